// libFuzzer target: arbitrary bytes as an .mdp file. An InputError (any proteinmd::Error) is a
// normal outcome; a crash, sanitizer report, hang or other exception is a bug.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "proteinmd/core/error.h"
#include "proteinmd/io/mdp.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        proteinmd::Diagnostics diagnostics;
        (void)proteinmd::parseMdp(text, "fuzz.mdp", diagnostics);
    } catch (const proteinmd::Error&) {
    }
    return 0;
}
