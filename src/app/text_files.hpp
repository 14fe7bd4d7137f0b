// text_files.hpp: the i18n files embedded in the module by embed_texts.py (assets/i18n/<domain>/<lang>.json).
#pragma once

extern "C" {
struct JupiterTextFile {
  const char* language;  // "de"
  const char* domain;    // "store"
  const char* json;      // the file's bytes (NUL-terminated)
  unsigned size;         // without the NUL
};
extern const JupiterTextFile jupiter_text_files[];
extern const unsigned jupiter_text_files_count;
}
