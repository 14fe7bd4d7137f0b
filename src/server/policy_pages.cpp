// policy_pages.cpp: see policy_pages.hpp.
//
// [SECTION] Languages      the page's words in en/es/fr/de, and dates in them
// [SECTION] Reading files  lines, the header area and its Changes block, the outline of a text
// [SECTION] Pages          the HTML of one version in one language
// [SECTION] Build          files -> checked pages
// [SECTION] Routes         /privacy, /privacy/v<V>, ?lang=, /api/policy (and /terms..., /api/terms)
#include "server/policy_pages.hpp"

#include <httplib.h>

#include <cctype>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "core/policy.hpp"
#include "server/html_escape.hpp"
#include "server/http_util.hpp"

extern const jupiter::server::PolicyFile jupiter_policy_files[];
extern const unsigned jupiter_policy_files_count;

namespace jupiter::server {

namespace {

constexpr const char* kStyle =
    "body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a;"
    "background:#fff}h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem}h3{font-size:1.05rem}"
    ".meta{color:#555}.notice{border-left:4px solid #0b57d0;padding:.5rem 1rem;background:#eef3fd}"
    ".changes{border-left-color:#b06000;background:#fff4e5}"
    "a{color:#0b57d0}@media (prefers-color-scheme:dark){body{color:#eee;background:#121212}.meta{color:#bbb}"
    ".notice{background:#1d2a40}.changes{background:#3a2a10}a{color:#8ab4f8}}";
constexpr const char* kHeaders = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

// [SECTION] Languages

// The words of a policy page in one language. Patterns use {version}, {date}, {since}, {link}.
struct Lang {
  const char* code;        // "es"
  const char* name;        // its own name: "Español"
  const char* version;     // "Versión"
  const char* effective;   // "Fecha de entrada en vigor"
  const char* in_force;    // the version in force; {link}: its permanent address
  const char* superseded;  // an older version; {link}: the version in force
  const char* changed;     // the Changes box's title
  const char* translated;  // a translation's notice; {link}: the English text
  const char* read_english;
  const char* date;        // {d} {month} {y}
  const char* months[12];
};

constexpr Lang kLangs[] = {
    {"en", "English", "Version", "Effective date", "This is the version in force. Its permanent address is {link}.",
     "This version is no longer in force. The version in force is version {link}.",
     "What changed on {date} (since version {since})",
     "This page is a translation of version {version} (effective {date}). The English text is the authoritative "
     "version: {link}.",
     "read it in English", "{month} {d}, {y}",
     {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
      "December"}},
    {"es", "Español", "Versión", "Fecha de entrada en vigor",
     "Esta es la versión vigente. Su dirección permanente es {link}.",
     "Esta versión ya no está vigente. La versión vigente es la {link}.",
     "Qué cambió el {date} (desde la versión {since})",
     "Esta página es una traducción. El texto en inglés es la versión auténtica: {link}.", "leer en inglés",
     "{d} de {month} de {y}",
     {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
      "noviembre", "diciembre"}},
    {"fr", "Français", "Version", "Date d’entrée en vigueur",
     "Ceci est la version en vigueur. Son adresse permanente est {link}.",
     "Cette version n’est plus en vigueur. La version en vigueur est la version {link}.",
     "Ce qui a changé le {date} (depuis la version {since})",
     "Cette page est une traduction. Seul le texte anglais fait foi\u00a0: {link}.", "lire en anglais",
     "{d} {month} {y}",
     {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre",
      "décembre"}},
    {"de", "Deutsch", "Version", "Datum des Inkrafttretens",
     "Dies ist die geltende Fassung. Ihre dauerhafte Adresse ist {link}.",
     "Diese Fassung ist nicht mehr in Kraft. Die geltende Fassung ist Version {link}.",
     "Was sich am {date} geändert hat (seit Version {since})",
     "Diese Seite ist eine Übersetzung. Maßgeblich ist der englische Text: {link}.", "auf Englisch lesen",
     "{d}. {month} {y}",
     {"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November",
      "Dezember"}},
};

const Lang* find_lang(std::string_view code) {
  for (const Lang& l : kLangs)
    if (code == l.code) return &l;
  return nullptr;
}
const Lang& english() { return kLangs[0]; }

std::string subst(std::string pattern, std::string_view key, std::string_view value) {
  const std::size_t at = pattern.find(key);
  if (at != std::string::npos) pattern.replace(at, key.size(), value);
  return pattern;
}

// "March 1, 2026" in `lang` ("1 de marzo de 2026", "1er mars 2026", "1. März 2026"), escaped, in a <time> with
// its ISO date; a date of another shape is shown as written.
std::string date_html(std::string_view date, const Lang& lang) {
  const std::size_t space = date.find(' '), comma = date.find(", ");
  int month = -1;
  for (int m = 0; m < 12 && space != std::string_view::npos; ++m)
    if (date.substr(0, space) == english().months[m]) month = m;
  const std::string_view d = comma == std::string_view::npos || comma < space ? "" : date.substr(space + 1, comma - space - 1);
  const std::string_view y = comma == std::string_view::npos ? "" : date.substr(comma + 2);
  const auto digits = [](std::string_view s, std::size_t lo, std::size_t hi) {
    for (char c : s) if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    return s.size() >= lo && s.size() <= hi;
  };
  if (month < 0 || !digits(d, 1, 2) || !digits(y, 4, 4)) return html_escape(date);
  const std::string day = std::string(lang.code) == "fr" && d == "1" ? "1er" : std::string(d);
  const std::string shown = subst(subst(subst(lang.date, "{d}", day), "{month}", lang.months[month]), "{y}", y);
  char iso[16];
  std::snprintf(iso, sizeof iso, "%s-%02d-%02d", std::string(y).c_str(), month + 1, std::stoi(std::string(d)));
  return "<time datetime=\"" + std::string(iso) + "\">" + html_escape(shown) + "</time>";
}

// [SECTION] Reading files

std::vector<std::string_view> split_lines(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    lines.push_back(line);
  }
  return lines;
}

// "1) Overview" (a section) or "A) Information you provide" (a subsection): the heading level, else 0.
int heading_level(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size() && std::isdigit(static_cast<unsigned char>(line[i]))) ++i;
  if (i > 0 && i + 1 < line.size() && line[i] == ')' && line[i + 1] == ' ') return 2;
  if (line.size() > 3 && line[0] >= 'A' && line[0] <= 'Z' && line[1] == ')' && line[2] == ' ') return 3;
  return 0;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool header_line(std::string_view line) { return starts_with(line, "Version:") || starts_with(line, "Effective Date:"); }

// The index of the first numbered section, or lines.size().
std::size_t first_section(const std::vector<std::string_view>& lines) {
  for (std::size_t i = 0; i < lines.size(); ++i)
    if (heading_level(lines[i]) == 2) return i;
  return lines.size();
}

// The body's outline: "1)" and "A)" for headings (their labels), "-" for an item, "p" for a paragraph.
std::vector<std::string> outline(std::string_view text) {
  const std::vector<std::string_view> lines = split_lines(text);
  std::vector<std::string> out;
  for (std::size_t i = first_section(lines); i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    if (line.empty() || header_line(line)) continue;
    if (heading_level(line)) out.emplace_back(line.substr(0, line.find(')') + 1));
    else out.emplace_back(starts_with(line, "- ") ? "-" : "p");
  }
  return out;
}

std::string describe(const std::vector<std::string>& outline, std::size_t i) {
  if (i >= outline.size()) return "the end of the text";
  if (outline[i] == "-") return "a '- ' item";
  if (outline[i] == "p") return "a paragraph";
  return (std::isdigit(static_cast<unsigned char>(outline[i][0])) ? "section " : "subsection ") + outline[i];
}

}  // namespace

PolicyChanges read_policy_changes(std::string_view text) {
  const std::vector<std::string_view> lines = split_lines(text);
  const std::size_t body = first_section(lines);
  PolicyChanges c;
  bool title_seen = false, in_block = false;
  for (std::size_t i = 0; i < body && c.error.empty(); ++i) {
    const std::string_view line = lines[i];
    const std::string at = "line " + std::to_string(i + 1) + ": ";
    if (in_block && starts_with(line, "- ") && line.size() > 2) {
      c.changes.emplace_back(line.substr(2));
      continue;
    }
    in_block = false;
    if (line.empty() || header_line(line) || !title_seen) {
      title_seen = title_seen || !line.empty();
    } else if (starts_with(line, "Changes since ") && line.back() == ':' && c.since.empty()) {
      c.since = std::string(line.substr(14, line.size() - 15));
      in_block = true;
      if (!valid_document_version(c.since)) c.error = at + "'Changes since <version>:' names no version";
    } else {
      c.error = at + "only the title, 'Effective Date:', 'Version:' and one 'Changes since <version>:' block with "
                     "its '- ' lines may stand before section 1";
    }
  }
  if (c.error.empty() && !c.since.empty() && c.changes.empty())
    c.error = "'Changes since " + c.since + ":' is followed by no '- ' line";
  if (!c.error.empty()) c.since.clear(), c.changes.clear();
  return c;
}

std::string translation_outline_mismatch(std::string_view english_text, std::string_view translation) {
  const std::vector<std::string> en = outline(english_text), tr = outline(translation);
  std::string section, subsection;  // the last headings both have
  for (std::size_t i = 0; i < en.size() || i < tr.size(); ++i) {
    if (i >= en.size() || i >= tr.size() || en[i] != tr[i]) {
      const std::string where = section.empty() ? "the start" : section + (subsection.empty() ? "" : " " + subsection);
      return "after " + where + ": the English has " + describe(en, i) + " where this has " + describe(tr, i);
    }
    if (en[i].size() < 2) continue;
    if (std::isdigit(static_cast<unsigned char>(en[i][0]))) section = en[i], subsection.clear();
    else subsection = en[i];
  }
  return "";
}

namespace {

// [SECTION] Pages

// What a page needs to know besides its own file.
struct PageContext {
  const DocumentKind* kind = nullptr;
  std::string_view current;               // the version in force
  bool current_has_lang = false;          // the version in force has a page in this page's language
  std::vector<const Lang*> translations;  // of this version (English pages only)
};

std::string body_html(std::string_view text) {
  const std::vector<std::string_view> lines = split_lines(text);
  std::string html;
  bool in_list = false;
  for (std::size_t i = first_section(lines); i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    if (line.empty() || header_line(line)) continue;
    const bool item = starts_with(line, "- ");
    if (in_list && !item) html += "</ul>\n";
    if (item && !in_list) html += "<ul>\n";
    in_list = item;
    const int level = heading_level(line);
    const std::string h = "h" + std::to_string(level);
    if (item) html += "<li>" + html_escape(line.substr(2)) + "</li>\n";
    else if (level) html += "<" + h + ">" + html_escape(line) + "</" + h + ">\n";
    else html += "<p>" + html_escape(line) + "</p>\n";
  }
  if (in_list) html += "</ul>\n";
  return html;
}

std::string link(const std::string& href, std::string_view text, std::string_view hreflang = "") {
  return "<a href=\"" + html_escape(href) + "\"" + (hreflang.empty() ? "" : " hreflang=\"" + std::string(hreflang) + "\"") +
         ">" + html_escape(text) + "</a>";
}

std::string query(const Lang& lang) { return lang.code == english().code ? "" : "?lang=" + std::string(lang.code); }

std::string status_html(const PolicyPage& p, const Lang& lang, const PageContext& ctx) {
  const std::string path = ctx.kind->path;
  const std::string permanent = path + "/v" + p.version + query(lang);
  if (p.version == ctx.current)
    return "<p class=\"notice\">" + subst(lang.in_force, "{link}", link(permanent, permanent)) + "</p>\n";
  const std::string in_force = ctx.current_has_lang ? path + query(lang) : path;
  return "<p class=\"notice\">" + subst(lang.superseded, "{link}", link(in_force, ctx.current)) + "</p>\n";
}

// A translation's notice, in its language and in English, both linking to the English text of the same version.
std::string translated_html(const PolicyPage& p, const Lang& lang, const PageContext& ctx) {
  const std::string en = std::string(ctx.kind->path) + "/v" + p.version;
  const std::string in_english = subst(subst(english().translated, "{version}", html_escape(p.version)), "{date}",
                                      html_escape(p.effective));
  return "<div class=\"notice\" role=\"note\">\n<p>" + subst(lang.translated, "{link}", link(en, lang.read_english, "en")) +
         "</p>\n<p lang=\"en\">" + subst(in_english, "{link}", link(en, english().read_english, "en")) + "</p>\n</div>\n";
}

std::string changes_html(const PolicyPage& p, const Lang& lang) {
  if (p.changes.since.empty()) return "";
  std::string html = "<div class=\"notice changes\" role=\"note\"><p><strong>" +
                     subst(subst(lang.changed, "{date}", date_html(p.effective, lang)), "{since}", html_escape(p.changes.since)) +
                     "</strong></p>\n<ul>\n";
  for (const std::string& c : p.changes.changes) html += "<li>" + html_escape(c) + "</li>\n";
  return html + "</ul></div>\n";
}

std::string translations_html(const PolicyPage& p, const PageContext& ctx) {
  if (ctx.translations.empty()) return "";
  std::string html = "<p class=\"meta\">Translations, for information only (the English text is authoritative):";
  for (const Lang* l : ctx.translations)
    html += std::string(l == ctx.translations.front() ? " " : " &middot; ") + "<span lang=\"" + l->code + "\">" +
            link(std::string(ctx.kind->path) + "/v" + p.version + query(*l), l->name, l->code) + "</span>";
  return html + "</p>\n";
}

std::string page_html(const PolicyPage& p, std::string_view text, const PageContext& ctx) {
  const Lang& lang = *find_lang(p.lang);
  const bool en = &lang == &english();
  const auto header = read_policy_header(text);
  const std::string title = header ? header->title : ctx.kind->title;
  const std::string meta = std::string(lang.version) + " " + html_escape(p.version) + " &middot; " + lang.effective +
                           (lang.code == std::string("fr") ? "\u00a0: " : ": ") +
                           (en ? html_escape(p.effective) : date_html(p.effective, lang)) +
                           (en ? " &middot; English is the authoritative version." : "");
  return "<!doctype html>\n<html lang=\"" + p.lang + "\"><head><meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
         html_escape(title) + " v" + html_escape(p.version) + "</title>\n<style>" + kStyle + "</style></head>\n<body>\n" +
         (en ? "" : translated_html(p, lang, ctx)) + "<h1>" + html_escape(title) + "</h1>\n<p class=\"meta\">" + meta +
         "</p>\n" + translations_html(p, ctx) + status_html(p, lang, ctx) + changes_html(p, lang) + body_html(text) +
         "</body></html>\n";
}

// [SECTION] Build

struct ParsedFile {
  PolicyPage page;
  std::string_view text;
  std::string error;
};

// "privacy-policy-v1.0.txt" (English) or "privacy-policy-v1.0.es.txt" (a translation), read and checked alone.
ParsedFile parse_file(const PolicyFile& f, const DocumentKind& kind) {
  ParsedFile r;
  r.text = std::string_view(f.text, f.size);
  const std::string file = f.name;
  std::string english_name = file;
  r.page.lang = "en";
  const std::size_t n = file.size();
  const auto lower = [&file](std::size_t i) { return file[i] >= 'a' && file[i] <= 'z'; };
  if (n > 7 && file.compare(n - 4, 4, ".txt") == 0 && file[n - 7] == '.' && lower(n - 6) && lower(n - 5)) {
    r.page.lang = file.substr(n - 6, 2);
    english_name.erase(n - 7, 3);
  }
  r.page.version = document_version_of_file(english_name, kind.prefix);
  const auto header = read_policy_header(r.text);
  if (r.page.version.empty()) r.error = file + ": not named " + kind.prefix + "-v<version>[.<es|fr|de>].txt";
  else if (english_name != file && (r.page.lang == "en" || !find_lang(r.page.lang)))
    r.error = file + ": no translation into '" + r.page.lang + "' is served (es, fr, de)";
  else if (!header) r.error = file + ": no 'Version:' and 'Effective Date:' lines at the top";
  else if (header->version != r.page.version) r.error = file + ": its header says version " + header->version;
  if (!r.error.empty()) return r;
  r.page.effective = header->effective;
  r.page.changes = read_policy_changes(r.text);
  if (!r.page.changes.error.empty()) r.error = file + ": " + r.page.changes.error;
  return r;
}

const ParsedFile* find_parsed(const std::vector<ParsedFile>& files, std::string_view version, std::string_view lang) {
  for (const ParsedFile& f : files)
    if (f.page.version == version && f.page.lang == lang) return &f;
  return nullptr;
}

// Between files: a translation against its English file, a Changes block against the versions kept.
std::string check_against(const std::vector<ParsedFile>& files, const ParsedFile& f, const DocumentKind& kind) {
  const std::string english_name = std::string(kind.prefix) + "-v" + f.page.version + ".txt";
  const std::string name = f.page.lang == "en" ? english_name
                                               : std::string(kind.prefix) + "-v" + f.page.version + "." + f.page.lang + ".txt";
  const std::string& since = f.page.changes.since;
  if (!since.empty() && (since == f.page.version || !find_parsed(files, since, "en")))
    return name + ": 'Changes since " + since + ":' names no earlier version kept in " + kind.folder;
  if (f.page.lang == "en") return "";
  const ParsedFile* en = find_parsed(files, f.page.version, "en");
  if (!en) return name + ": a translation of " + english_name + ", which does not exist";
  if (f.page.effective != en->page.effective)
    return name + ": its 'Effective Date:' (" + f.page.effective + ") is not the English file's (" + en->page.effective + ")";
  if (since != en->page.changes.since || f.page.changes.changes.size() != en->page.changes.changes.size())
    return name + ": its Changes block does not match the English file's (same 'since' version, one line per change)";
  const std::string outline_error = translation_outline_mismatch(en->text, f.text);
  return outline_error.empty() ? "" : name + ": not the outline of the English file: " + outline_error;
}

}  // namespace

PolicyPagesBuild build_policy_pages(const std::vector<PolicyFile>& files, std::string_view current,
                                    const DocumentKind& kind) {
  PolicyPagesBuild b;
  const auto fail = [&b](std::string error) {
    b.error = std::move(error);
    return b;
  };
  std::vector<ParsedFile> parsed;
  for (const PolicyFile& f : files) {
    parsed.push_back(parse_file(f, kind));
    if (!parsed.back().error.empty()) return fail(parsed.back().error);
    if (find_parsed(parsed, parsed.back().page.version, parsed.back().page.lang) != &parsed.back())
      return fail(std::string(f.name) + ": given twice");
  }
  for (const ParsedFile& f : parsed)
    if (std::string e = check_against(parsed, f, kind); !e.empty()) return fail(e);
  if (!find_parsed(parsed, current, "en"))
    return fail(std::string(kind.folder) + " has no " + kind.prefix + "-v" + std::string(current) +
                ".txt, the version in force");
  for (ParsedFile& f : parsed) {
    PageContext ctx{&kind, current, find_parsed(parsed, current, f.page.lang) != nullptr, {}};
    for (const Lang& l : kLangs)
      if (f.page.lang == "en" && &l != &english() && find_parsed(parsed, f.page.version, l.code))
        ctx.translations.push_back(&l);
    f.page.html = page_html(f.page, f.text, ctx);
  }
  for (ParsedFile& f : parsed) b.pages.push_back(std::move(f.page));
  return b;
}

std::vector<PolicyFile> built_in_document_files(const DocumentKind& kind) {
  const std::string prefix = std::string(kind.prefix) + "-v";
  std::vector<PolicyFile> files;
  for (unsigned i = 0; i < jupiter_policy_files_count; ++i)
    if (starts_with(jupiter_policy_files[i].name, prefix)) files.push_back(jupiter_policy_files[i]);
  return files;
}

// [SECTION] Routes

namespace {

void send_page(httplib::Response& res, int status, const std::string& html, const char* cache, std::string_view lang) {
  res.status = status;
  res.set_header("Cache-Control", cache);
  res.set_header("Content-Security-Policy", kHeaders);
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("Content-Language", std::string(lang));
  res.set_content(html, "text/html; charset=utf-8");
}

// `languages` (links, may be empty): the pages there are of a known version asked for in another language.
std::string not_found_html(const std::string& languages, const DocumentKind& kind) {
  return std::string("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found - "
                     "JupiterEsims</title><style>") + kStyle + "</style></head>\n<body><h1>" +
         (languages.empty() ? "No such version of the " + std::string(kind.noun) : "No translation in that language") +
         "</h1>" + (languages.empty() ? "" : "<p>This version is available in: " + languages + ".</p>") + "<p>The " +
         kind.noun + " in force is at <a href=\"" + kind.path + "\">" + kind.path + "</a>.</p></body></html>\n";
}

}  // namespace

PolicyPages::PolicyPages(std::vector<PolicyPage> pages, std::string current, const DocumentKind& kind)
    : pages_(std::move(pages)), current_(std::move(current)), kind_(kind) {}

const PolicyPage* PolicyPages::find(std::string_view version, std::string_view lang) const {
  for (const PolicyPage& p : pages_)
    if (p.version == version && p.lang == lang) return &p;
  return nullptr;
}

std::vector<std::string> PolicyPages::translations(std::string_view version) const {
  std::vector<std::string> codes;
  for (const Lang& l : kLangs)
    if (&l != &english() && find(version, l.code)) codes.emplace_back(l.code);
  return codes;
}

void PolicyPages::serve(const httplib::Request& req, httplib::Response& res, std::string_view version,
                        const char* cache) const {
  const std::string asked = req.get_param_value("lang");
  const std::string lang = asked.empty() ? "en" : asked;
  if (const PolicyPage* p = find(version, lang)) return send_page(res, 200, p->html, cache, p->lang);
  std::string languages;
  if (find(version, "en")) {
    const std::string page = std::string(kind_.path) + "/v" + std::string(version);
    languages = link(page, "English", "en");
    for (const std::string& code : translations(version))
      languages += ", " + link(page + "?lang=" + code, find_lang(code)->name, code);
  }
  send_page(res, 404, not_found_html(languages, kind_), "no-store", "en");
}

void PolicyPages::add_routes(Router& router) {
  router.get(kind_.path, [this](const httplib::Request& req, httplib::Response& res, const RouteParams&) {
    serve(req, res, current_, "public, max-age=300");
  });
  const auto versioned = [this](const httplib::Request& req, httplib::Response& res, const RouteParams& params) {
    const std::string_view v = params.get("version");
    if (v.size() > 1 && v[0] == 'v') serve(req, res, v.substr(1), "public, max-age=86400");  // a version's text never changes
    else send_page(res, 404, not_found_html("", kind_), "no-store", "en");
  };
  router.get(std::string(kind_.path) + "/:version", versioned);
  router.get(kind_.api, [this](const httplib::Request&, httplib::Response& res, const RouteParams&) {
    const PolicyPage* p = find(current_, "en");
    if (!p) return send_error(res, 404, std::string("no ") + kind_.noun + " in force");
    const nlohmann::json since = p->changes.since.empty() ? nlohmann::json(nullptr) : nlohmann::json(p->changes.since);
    const nlohmann::json doc = {{"version", p->version},          {"effective_date", p->effective},
                                {"changes_since", since},         {"changes", p->changes.changes},
                                {"translations", translations(p->version)}, {"url", kind_.path}};
    res.set_header("Cache-Control", "public, max-age=300");
    send_json(res, 200, doc.dump());
  });
}

}  // namespace jupiter::server
