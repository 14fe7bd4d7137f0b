// consent_config.hpp: the consent config of assets/consent.json, compiled in as a constant table.
//
// The table is generated at build time (src/consent/config_table.py), so no program parses the config at run
// time: the consent WebAssembly module, the store and the server all read this. The unit tests check that it is
// field by field what decode_config() makes of assets/consent.json, so the table passes every check the decoder
// applies.
#pragma once
#include "core/consent.hpp"

namespace jupiter::consent {

const Config& embedded_config();

}  // namespace jupiter::consent
