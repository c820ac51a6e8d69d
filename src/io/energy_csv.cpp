#include "proteinmd/io/energy_csv.h"

#include <fmt/format.h>

#include "io/file_io.h"
#include "io/output_file.h"
#include "proteinmd/core/error.h"

namespace proteinmd {

namespace fs = std::filesystem;

std::vector<EnergyTerm> EnergyCsvWriter::presentTerms(const EnergyTerms& terms)
{
    std::vector<EnergyTerm> out;
    for (std::size_t t = 0; t < kNumEnergyTerms; ++t) {
        if (terms.present[t]) {
            out.push_back(static_cast<EnergyTerm>(t));
        }
    }
    return out;
}

std::string EnergyCsvWriter::headerFor(const std::vector<EnergyTerm>& terms)
{
    std::string h = "step,time_ps,potential,kinetic,total,conserved,temperature,pressure,volume,density";
    for (EnergyTerm t : terms) {
        h += ',';
        h += energyTermKey(t);
    }
    return h;
}

EnergyCsvWriter::EnergyCsvWriter(const fs::path& path, std::vector<EnergyTerm> terms, bool append)
    : terms_(std::move(terms)), header_(headerFor(terms_))
{
    std::error_code ec;
    bool needHeader = true;
    if (append && fs::is_regular_file(path, ec) && fs::file_size(path, ec) > 0) {
        const std::string text = detail::readTextFile(path);
        const std::size_t firstEnd = text.find('\n');
        const std::string_view existing = std::string_view(text).substr(0, firstEnd);
        if (firstEnd == std::string::npos || existing != header_) {
            throw InputError(SourceLocation{path.string(), 1, {}},
                             fmt::format("cannot append: expected the header '{}', found '{}'{}", header_, existing,
                                         firstEnd == std::string::npos ? " (incomplete line)" : ""));
        }
        const std::size_t lastEnd = text.rfind('\n');
        if (lastEnd + 1 != text.size()) {
            detail::truncateFile(path, lastEnd + 1); // a row cut by a crash
        }
        needHeader = false;
    }
    file_ = std::make_unique<detail::OutputFile>(path, needHeader ? detail::OpenMode::Truncate : detail::OpenMode::Append,
                                                 std::size_t{1} << 16);
    if (needHeader) {
        file_->write(header_ + "\n");
    }
}

EnergyCsvWriter::~EnergyCsvWriter() = default;
EnergyCsvWriter::EnergyCsvWriter(EnergyCsvWriter&&) noexcept = default;
EnergyCsvWriter& EnergyCsvWriter::operator=(EnergyCsvWriter&&) noexcept = default;

void EnergyCsvWriter::write(const EnergyRecord& r)
{
    // {} is fmt's shortest representation that reads back to the same double.
    std::string row = fmt::format("{},{},{},{},{},{},{},{},{},{}", r.step, r.timePs, r.potential, r.kinetic, r.total,
                                  r.conserved, r.temperature, r.pressure, r.volume, r.density);
    for (EnergyTerm t : terms_) {
        fmt::format_to(std::back_inserter(row), ",{}", r.terms[t]);
    }
    row += '\n';
    file_->write(row);
}

void EnergyCsvWriter::flush() { file_->flush(); }
void EnergyCsvWriter::close() { file_->close(); }
std::uint64_t EnergyCsvWriter::bytesWritten() const { return file_->size(); }

} // namespace proteinmd
