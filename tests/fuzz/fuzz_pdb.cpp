// libFuzzer target: arbitrary bytes as a PDB file. An InputError (any proteinmd::Error) is a normal
// outcome; a crash, sanitizer report, hang or other exception is a bug. Parsed frames are also
// written back and re-read, to exercise the writer on odd content.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "proteinmd/core/error.h"
#include "proteinmd/io/pdb.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const proteinmd::CoordinateFrame frame = proteinmd::parsePdb(text, "fuzz.pdb");
        const std::string written = proteinmd::formatPdb(frame);
        (void)proteinmd::parsePdb(written, "rewritten.pdb");
    } catch (const proteinmd::Error&) {
    }
    return 0;
}
