// policy_pages.cpp: see policy_pages.hpp.
#include "server/policy_pages.hpp"

#include <httplib.h>

#include <cctype>

#include "core/policy.hpp"
#include "server/html_escape.hpp"

extern const jupiter::server::PolicyFile jupiter_policy_files[];
extern const unsigned jupiter_policy_files_count;

namespace jupiter::server {

namespace {

constexpr const char* kStyle =
    "body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a;"
    "background:#fff}h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem}h3{font-size:1.05rem}"
    ".meta{color:#555}.notice{border-left:4px solid #0b57d0;padding:.5rem 1rem;background:#eef3fd}"
    "a{color:#0b57d0}@media (prefers-color-scheme:dark){body{color:#eee;background:#121212}.meta{color:#bbb}"
    ".notice{background:#1d2a40}a{color:#8ab4f8}}";
constexpr const char* kHeaders = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

// "1) Overview" (a section) or "A) Information you provide" (a subsection): the heading level, else 0.
int heading_level(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size() && std::isdigit(static_cast<unsigned char>(line[i]))) ++i;
  if (i > 0 && i + 1 < line.size() && line[i] == ')' && line[i + 1] == ' ') return 2;
  if (line.size() > 3 && line[0] >= 'A' && line[0] <= 'Z' && line[1] == ')' && line[2] == ' ') return 3;
  return 0;
}

bool header_line(std::string_view line) {
  return line.rfind("Version:", 0) == 0 || line.rfind("Effective Date:", 0) == 0;
}

// The body after the title and header lines: headings, paragraphs and "- " lists, escaped.
std::string body_html(std::string_view text) {
  std::string html;
  bool in_list = false, title_seen = false;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty() || header_line(line) || !title_seen) {
      title_seen = title_seen || !line.empty();
      continue;
    }
    const bool item = line.rfind("- ", 0) == 0;
    if (in_list && !item) html += "</ul>\n";
    if (item && !in_list) html += "<ul>\n";
    in_list = item;
    if (item) html += "<li>" + html_escape(line.substr(2)) + "</li>\n";
    else if (int level = heading_level(line)) html += "<h" + std::to_string(level) + ">" + html_escape(line) + "</h" + std::to_string(level) + ">\n";
    else html += "<p>" + html_escape(line) + "</p>\n";
  }
  if (in_list) html += "</ul>\n";
  return html;
}

std::string status_html(std::string_view version, std::string_view current) {
  if (version == current)
    return "<p class=\"notice\">This is the version in force. Its permanent address is <a href=\"/privacy/v" +
           html_escape(version) + "\">/privacy/v" + html_escape(version) + "</a>.</p>\n";
  return "<p class=\"notice\">This version is no longer in force. The version in force is <a href=\"/privacy\">"
         "version " + html_escape(current) + "</a>.</p>\n";
}

void send_page(httplib::Response& res, int status, const std::string& html, const char* cache) {
  res.status = status;
  res.set_header("Cache-Control", cache);
  res.set_header("Content-Security-Policy", kHeaders);
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_content(html, "text/html; charset=utf-8");
}

std::string not_found_html() {
  return std::string("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found - "
                     "JupiterEsims</title><style>") + kStyle + "</style></head>\n<body><h1>No such policy version</h1>"
         "<p>The privacy policy in force is at <a href=\"/privacy\">/privacy</a>.</p></body></html>\n";
}

}  // namespace

std::string policy_html(std::string_view text, std::string_view version, std::string_view effective,
                        std::string_view current) {
  const auto header = read_policy_header(text);
  const std::string title = header ? header->title : "Privacy Policy";
  return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
         html_escape(title) + " v" + html_escape(version) + "</title>\n<style>" + kStyle + "</style></head>\n<body>\n"
         "<h1>" + html_escape(title) + "</h1>\n<p class=\"meta\">Version " + html_escape(version) +
         " &middot; Effective date: " + html_escape(effective) +
         " &middot; English is the authoritative version.</p>\n" + status_html(version, current) + body_html(text) +
         "</body></html>\n";
}

PolicyPagesBuild build_policy_pages(const std::vector<PolicyFile>& files, std::string_view current) {
  PolicyPagesBuild b;
  for (const PolicyFile& f : files) {
    const std::string_view text(f.text, f.size);
    const std::string named = policy_version_of_file(f.name);
    const auto header = read_policy_header(text);
    if (named.empty()) b.error = std::string(f.name) + ": not named privacy-policy-v<version>.txt";
    else if (!header) b.error = std::string(f.name) + ": no 'Version:' and 'Effective Date:' lines at the top";
    else if (header->version != named) b.error = std::string(f.name) + ": its header says version " + header->version;
    if (!b.error.empty()) return b;
    b.pages.push_back({named, policy_html(text, named, header->effective, current)});
  }
  bool has_current = false;
  for (const PolicyPage& p : b.pages) has_current = has_current || p.version == current;
  if (!has_current) b.error = "assets/policy has no privacy-policy-v" + std::string(current) + ".txt, the version in force";
  return b;
}

std::vector<PolicyFile> built_in_policy_files() {
  return std::vector<PolicyFile>(jupiter_policy_files, jupiter_policy_files + jupiter_policy_files_count);
}

PolicyPages::PolicyPages(std::vector<PolicyPage> pages, std::string current)
    : pages_(std::move(pages)), current_(std::move(current)) {}

const PolicyPage* PolicyPages::find(std::string_view version) const {
  for (const PolicyPage& p : pages_)
    if (p.version == version) return &p;
  return nullptr;
}

void PolicyPages::add_routes(Router& router) {
  router.get("/privacy", [this](const httplib::Request&, httplib::Response& res, const RouteParams&) {
    const PolicyPage* p = find(current_);
    if (p) send_page(res, 200, p->html, "public, max-age=300");
    else send_page(res, 404, not_found_html(), "no-store");
  });
  router.get("/privacy/:version", [this](const httplib::Request&, httplib::Response& res, const RouteParams& params) {
    const std::string_view v = params.get("version");
    const PolicyPage* p = v.size() > 1 && v[0] == 'v' ? find(v.substr(1)) : nullptr;
    if (p) send_page(res, 200, p->html, "public, max-age=86400");  // a version's text never changes
    else send_page(res, 404, not_found_html(), "no-store");
  });
}

}  // namespace jupiter::server
