// service.hpp: what both sandboxes share: a tiny command line (--host, --port and named string options), JSON
// replies, and running an httplib server until SIGINT/SIGTERM with the "listening on http://HOST:PORT" line the
// store's tests and start-store.sh wait for.
#pragma once
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace httplib {
class Server;
struct Response;
}  // namespace httplib

namespace jupiter::sandbox {

struct CommandLine {
  std::string host = "127.0.0.1";
  int port = 0;
  std::map<std::string, std::string> values;  // "--api-key" -> "..."
  std::string error;                          // a bad command line
};

// Parses "--name value" / "--name=value"; `names` are the accepted string options besides --host and --port.
CommandLine parse_command_line(int argc, char** argv, const std::vector<std::string>& names);

// The first line of the file named by option `name` (a secret: at least 16 characters), or "" when the option
// is missing, the file cannot be read or the line is shorter.
std::string read_secret_file(const CommandLine& cl, const std::string& name);

void reply_json(httplib::Response& res, int status, const nlohmann::json& body);
void reply_error(httplib::Response& res, int status, const std::string& code, const std::string& message);

// Blocks SIGINT/SIGTERM (call before starting threads), binds, prints the listening line, serves until a signal.
// `name` prefixes log lines. Returns the process exit status.
int serve(httplib::Server& server, const CommandLine& cl, const std::string& name);

}  // namespace jupiter::sandbox
