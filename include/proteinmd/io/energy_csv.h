#pragma once
// energy.csv: one row per energy step, for spreadsheets, pandas and plotting.
//
// Columns: step,time_ps,potential,kinetic,total,conserved,temperature,pressure,volume,density and
// then one column per energy term the system has, named by energyTermKey() (kJ/mol, ps, K, bar,
// nm^3, kg/m^3). Numbers are written as the shortest text that reads back to the same double;
// a quantity that was not computed is written as nan.
// Restarts: append mode checks that the existing header is the same and cuts a partly written last
// line, so the file continues where the last complete row ended.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "proteinmd/forces/energy_terms.h"

namespace proteinmd {

namespace detail {
class OutputFile;
}

struct EnergyRecord {
    std::int64_t step = 0;
    double timePs = 0;
    double potential = 0;
    double kinetic = 0;
    double total = 0;
    double conserved = 0;
    double temperature = 0;
    double pressure = 0;
    double volume = 0;
    double density = 0;
    EnergyTerms terms; // values of the columns chosen when the writer was opened
};

class EnergyCsvWriter {
public:
    // terms: the energy terms that get a column, in this order (usually presentTerms(...)).
    // Throws Error if the file cannot be opened; InputError in append mode if the existing header
    // differs from this writer's.
    EnergyCsvWriter(const std::filesystem::path& path, std::vector<EnergyTerm> terms, bool append = false);
    ~EnergyCsvWriter();
    EnergyCsvWriter(EnergyCsvWriter&&) noexcept;
    EnergyCsvWriter& operator=(EnergyCsvWriter&&) noexcept;

    void write(const EnergyRecord& record);
    void flush();
    void close();

    const std::string& header() const { return header_; } // without the newline
    std::uint64_t bytesWritten() const;

    // The terms a system has (EnergyTerms::present), in EnergyTerm order.
    static std::vector<EnergyTerm> presentTerms(const EnergyTerms& terms);
    // The header line for these terms.
    static std::string headerFor(const std::vector<EnergyTerm>& terms);

private:
    std::unique_ptr<detail::OutputFile> file_;
    std::vector<EnergyTerm> terms_;
    std::string header_;
};

} // namespace proteinmd
