// Format dispatch for coordinate files.

#include "proteinmd/io/coordinate_frame.h"

#include <cctype>

#include "proteinmd/core/error.h"
#include "proteinmd/io/gro.h"
#include "proteinmd/io/pdb.h"

namespace proteinmd {

CoordinateFrame readCoordinates(const std::filesystem::path& path)
{
    std::string extension = path.extension().string();
    for (char& c : extension) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (extension == ".gro") {
        return readGro(path);
    }
    if (extension == ".pdb" || extension == ".ent") {
        return readPdb(path);
    }
    throw InputError(SourceLocation{path.string(), 0, {}},
                     "unsupported coordinate file extension '" + path.extension().string() +
                         "' (supported: .gro, .pdb, .ent)");
}

} // namespace proteinmd
