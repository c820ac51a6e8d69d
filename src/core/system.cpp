#include "proteinmd/core/system.h"

namespace proteinmd {

double System::totalCharge() const
{
    double sum = 0;
    for (double q : charges) {
        sum += q;
    }
    return sum;
}

} // namespace proteinmd
