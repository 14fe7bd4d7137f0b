// service.cpp: see service.hpp.
#include "sandbox/common/service.hpp"

#include <httplib.h>
#include <charconv>
#include <fstream>

#include "server/log.hpp"
#include "server/stop_signals.hpp"

namespace jupiter::sandbox {

CommandLine parse_command_line(int argc, char** argv, const std::vector<std::string>& names) {
  CommandLine cl;
  for (int i = 1; i < argc; ++i) {
    std::string name = argv[i], value;
    bool has_value = false;
    if (const std::size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
      has_value = true;
    }
    if (!has_value) {
      if (i + 1 >= argc) {
        cl.error = name + " needs a value";
        return cl;
      }
      value = argv[++i];
    }
    if (name == "--host") {
      cl.host = value;
    } else if (name == "--port") {
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), cl.port);
      if (ec != std::errc() || end != value.data() + value.size() || cl.port < 0 || cl.port > 65535)
        cl.error = "--port needs a number from 0 to 65535";
    } else if (std::find(names.begin(), names.end(), name) != names.end()) {
      cl.values[name] = value;
    } else {
      cl.error = "unknown option " + name;
    }
    if (!cl.error.empty()) return cl;
  }
  return cl;
}

std::string read_secret_file(const CommandLine& cl, const std::string& name) {
  const auto it = cl.values.find(name);
  if (it == cl.values.end()) return "";
  std::ifstream in(it->second);
  std::string line;
  if (!in || !std::getline(in, line)) return "";
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line.size() >= 16 ? line : "";
}

void reply_json(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(body.dump(), "application/json; charset=utf-8");
}

void reply_error(httplib::Response& res, int status, const std::string& code, const std::string& message) {
  reply_json(res, status, {{"error", {{"code", code}, {"message", message}}}});
}

int serve(httplib::Server& server, const CommandLine& cl, const std::string& name) {
  const int port = cl.port == 0 ? server.bind_to_any_port(cl.host) : (server.bind_to_port(cl.host, cl.port) ? cl.port : -1);
  if (port < 0) {
    server::log::error(name + ": cannot listen on " + cl.host + ":" + std::to_string(cl.port));
    return 1;
  }
  server::log::info(name + ": listening on http://" + cl.host + ":" + std::to_string(port));
  const bool ok = server::serve_until_stop_signal([&server] { return server.listen_after_bind(); },
                                                  [&server, &name](int) {
                                                    server::log::info(name + ": stopping");
                                                    server.stop();
                                                  });
  return ok ? 0 : 1;
}

}  // namespace jupiter::sandbox
