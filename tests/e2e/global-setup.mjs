// Starts one shared backend for the tests that do not need their own; its URL goes to the workers by env.
import { startServer } from "./helpers.mjs";

export default async function globalSetup() {
  const server = await startServer();
  process.env.JUPITER_URL = server.url;
  return async () => server.stop();
}
