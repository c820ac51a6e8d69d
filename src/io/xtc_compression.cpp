#include "io/xtc_compression.h"

#include <algorithm>
#include <array>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstdlib>

#include <fmt/format.h>

#include "proteinmd/core/error.h"

namespace proteinmd::detail {

namespace {

// Sizes for the small differences: successive entries grow by ~2^(1/3), so that three values below
// magicInts[i] fit in exactly i bits once packed together. The first 9 entries are unused.
constexpr std::array<int, 73> kMagicInts{
    0,       0,       0,       0,       0,        0,        0,        0,        0,       8,       10,
    12,      16,      20,      25,      32,       40,       50,       64,       80,      101,     128,
    161,     203,     256,     322,     406,      512,      645,      812,      1024,    1290,    1625,
    2048,    2580,    3250,    4096,    5060,     6501,     8192,     10321,    13003,   16384,   20642,
    26007,   32768,   41285,   52015,   65536,    82570,    104031,   131072,   165140,  208063,  262144,
    330280,  416127,  524287,  660561,  832255,   1048576,  1321122,  1664510,  2097152, 2642245, 3329021,
    4194304, 5284491, 6658042, 8388607, 10568983, 13316085, 16777216};
constexpr int kFirstIdx = 9;
constexpr int kLastIdx = static_cast<int>(kMagicInts.size());
constexpr int kMaxAbs = INT_MAX - 2;
constexpr unsigned kLargeSize = 0xffffff; // beyond this a range is stored with its own bit count

// Bits written most significant first into bytes; the last byte is padded with zero bits.
class BitWriter {
public:
    explicit BitWriter(std::string& out) : out_(out) {}
    void send(int bits, std::uint64_t value)
    {
        while (bits > 0) {
            const int n = std::min(bits, 24);
            bits -= n;
            const std::uint64_t part = (value >> bits) & ((std::uint64_t{1} << n) - 1);
            acc_ = (acc_ << n) | part;
            pending_ += n;
            while (pending_ >= 8) {
                pending_ -= 8;
                out_.push_back(static_cast<char>((acc_ >> pending_) & 0xff));
            }
        }
    }
    void finish()
    {
        if (pending_ > 0) {
            out_.push_back(static_cast<char>((acc_ << (8 - pending_)) & 0xff));
            pending_ = 0;
        }
    }

private:
    std::string& out_;
    std::uint64_t acc_ = 0;
    int pending_ = 0;
};

class BitReader {
public:
    explicit BitReader(std::string_view in) : in_(in) {}
    std::uint32_t receive(int bits)
    {
        while (pending_ < bits) {
            if (pos_ >= in_.size()) {
                overrun_ = true;
                return 0;
            }
            acc_ = (acc_ << 8) | static_cast<unsigned char>(in_[pos_++]);
            pending_ += 8;
        }
        pending_ -= bits;
        return static_cast<std::uint32_t>((acc_ >> pending_) & ((std::uint64_t{1} << bits) - 1));
    }
    bool overrun() const { return overrun_; }

private:
    std::string_view in_;
    std::size_t pos_ = 0;
    std::uint64_t acc_ = 0;
    int pending_ = 0;
    bool overrun_ = false;
};

// Bits needed to write `size` itself.
int bitsForInt(unsigned size)
{
    int bits = 0;
    std::uint64_t num = 1;
    while (size >= num && bits < 32) {
        ++bits;
        num <<= 1;
    }
    return bits;
}

// Three unsigned values packed as one number n0*s1*s2 + n1*s2 + n2, held as little-endian bytes.
struct PackedInts {
    std::array<unsigned, 16> bytes{};
    int count = 0;
};

PackedInts pack(const std::array<unsigned, 3>& sizes, const std::array<unsigned, 3>& nums)
{
    PackedInts p;
    std::uint64_t tmp = nums[0];
    do {
        p.bytes[static_cast<std::size_t>(p.count++)] = static_cast<unsigned>(tmp & 0xff);
        tmp >>= 8;
    } while (tmp != 0);
    for (int i = 1; i < 3; ++i) {
        tmp = nums[static_cast<std::size_t>(i)];
        int b = 0;
        for (; b < p.count; ++b) {
            tmp = std::uint64_t{p.bytes[static_cast<std::size_t>(b)]} * sizes[static_cast<std::size_t>(i)] + tmp;
            p.bytes[static_cast<std::size_t>(b)] = static_cast<unsigned>(tmp & 0xff);
            tmp >>= 8;
        }
        while (tmp != 0) {
            p.bytes[static_cast<std::size_t>(b++)] = static_cast<unsigned>(tmp & 0xff);
            tmp >>= 8;
        }
        p.count = b;
    }
    return p;
}

// Bits needed for the product of the three sizes (the packed range).
int bitsForInts(const std::array<unsigned, 3>& sizes)
{
    const PackedInts product = pack({1, sizes[1], sizes[2]}, {sizes[0], 0, 0});
    // pack computes ((s0 * s1) + 0) * s2 + 0 = s0*s1*s2.
    const int top = product.count - 1;
    int bits = 0;
    std::uint64_t num = 1;
    while (product.bytes[static_cast<std::size_t>(top)] >= num) {
        ++bits;
        num *= 2;
    }
    return bits + top * 8;
}

// The packed number's bytes, lowest first, each written with up to 8 bits.
void sendInts(BitWriter& w, int bits, const std::array<unsigned, 3>& sizes, const std::array<unsigned, 3>& nums)
{
    const PackedInts p = pack(sizes, nums);
    for (std::size_t j = 0; bits > 0; ++j) {
        const int n = std::min(bits, 8);
        w.send(n, j < static_cast<std::size_t>(p.count) ? p.bytes[j] : 0u);
        bits -= n;
    }
}

std::array<unsigned, 3> receiveInts(BitReader& r, int bits, const std::array<unsigned, 3>& sizes)
{
    std::array<unsigned, 16> bytes{};
    std::size_t count = 0;
    while (bits > 8) {
        bytes[count++] = r.receive(8);
        bits -= 8;
    }
    if (bits > 0) {
        bytes[count++] = r.receive(bits);
    }
    std::array<unsigned, 3> nums{};
    for (int i = 2; i > 0; --i) {
        const std::uint64_t size = sizes[static_cast<std::size_t>(i)];
        std::uint64_t num = 0;
        for (std::size_t j = count; j-- > 0;) {
            num = (num << 8) | bytes[j];
            const std::uint64_t quotient = num / size;
            bytes[j] = static_cast<unsigned>(quotient);
            num -= quotient * size;
        }
        nums[static_cast<std::size_t>(i)] = static_cast<unsigned>(num);
    }
    nums[0] = bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (bytes[3] << 24);
    return nums;
}

struct RangeCoding {
    std::array<unsigned, 3> sizeInt{};
    std::array<int, 3> bitSizeInt{};
    int bitSize = 0; // 0: each coordinate has its own bit count (ranges too large to pack)
};

RangeCoding rangeCoding(const std::array<int, 3>& minInt, const std::array<int, 3>& maxInt)
{
    RangeCoding c;
    for (std::size_t d = 0; d < 3; ++d) {
        c.sizeInt[d] = static_cast<unsigned>(static_cast<std::int64_t>(maxInt[d]) - minInt[d] + 1);
    }
    if ((c.sizeInt[0] | c.sizeInt[1] | c.sizeInt[2]) > kLargeSize) {
        for (std::size_t d = 0; d < 3; ++d) {
            c.bitSizeInt[d] = bitsForInt(c.sizeInt[d]);
        }
        c.bitSize = 0;
    } else {
        c.bitSize = bitsForInts(c.sizeInt);
    }
    return c;
}

int idx(int i) { return kMagicInts[static_cast<std::size_t>(i)]; }

} // namespace

void encodeXtcCoordinates(std::span<const Vec3f> x, float precision, XdrEncoder& out)
{
    const int natoms = static_cast<int>(x.size());
    out.putInt32(natoms);
    if (natoms <= 9) {
        for (const Vec3f& p : x) {
            out.putFloat(p.x);
            out.putFloat(p.y);
            out.putFloat(p.z);
        }
        return;
    }
    if (!(precision > 0) || !std::isfinite(precision)) {
        throw SetupError(fmt::format("xtc: precision must be positive, got {}", precision));
    }
    out.putFloat(precision);

    // Scaled integer coordinates, their bounding box, and the smallest step between neighbours.
    std::vector<std::array<int, 3>> ints(x.size());
    std::array<int, 3> minInt{INT_MAX, INT_MAX, INT_MAX};
    std::array<int, 3> maxInt{INT_MIN, INT_MIN, INT_MIN};
    long long minDiff = LLONG_MAX;
    for (int i = 0; i < natoms; ++i) {
        for (int d = 0; d < 3; ++d) {
            float scaled = x[static_cast<std::size_t>(i)][d] * precision;
            scaled = scaled >= 0.0f ? scaled + 0.5f : scaled - 0.5f;
            if (!(std::fabs(scaled) <= static_cast<float>(kMaxAbs))) {
                throw SetupError(fmt::format("xtc: coordinate {} of atom {} ({}) times precision {} does not fit "
                                             "in a 32-bit integer",
                                             "xyz"[d], i + 1, x[static_cast<std::size_t>(i)][d], precision));
            }
            const int v = static_cast<int>(scaled);
            ints[static_cast<std::size_t>(i)][static_cast<std::size_t>(d)] = v;
            minInt[static_cast<std::size_t>(d)] = std::min(minInt[static_cast<std::size_t>(d)], v);
            maxInt[static_cast<std::size_t>(d)] = std::max(maxInt[static_cast<std::size_t>(d)], v);
        }
        if (i > 0) {
            const auto& a = ints[static_cast<std::size_t>(i)];
            const auto& b = ints[static_cast<std::size_t>(i - 1)];
            const long long diff = std::llabs(static_cast<long long>(a[0]) - b[0]) +
                std::llabs(static_cast<long long>(a[1]) - b[1]) + std::llabs(static_cast<long long>(a[2]) - b[2]);
            minDiff = std::min(minDiff, diff);
        }
    }
    for (std::size_t d = 0; d < 3; ++d) {
        if (static_cast<float>(maxInt[d]) - static_cast<float>(minInt[d]) >= static_cast<float>(kMaxAbs)) {
            throw SetupError(fmt::format("xtc: the coordinates span too large a range for precision {}", precision));
        }
    }
    for (int v : minInt) { out.putInt32(v); }
    for (int v : maxInt) { out.putInt32(v); }
    const RangeCoding range = rangeCoding(minInt, maxInt);

    int smallIdx = kFirstIdx;
    while (smallIdx < kLastIdx && idx(smallIdx) < minDiff) {
        ++smallIdx;
    }
    // When every neighbour is far apart the table runs out; the last entry still encodes correctly.
    smallIdx = std::min(smallIdx, kLastIdx - 1);
    out.putInt32(smallIdx);

    const int maxIdx = std::min(kLastIdx - 1, smallIdx + 8);
    const int minIdx = maxIdx - 8;
    int smaller = idx(std::max(kFirstIdx, smallIdx - 1)) / 2;
    int smallNum = idx(smallIdx) / 2;
    std::array<unsigned, 3> sizeSmall{};
    sizeSmall.fill(static_cast<unsigned>(idx(smallIdx)));
    const int larger = idx(maxIdx) / 2;

    std::string packed;
    BitWriter bits(packed);
    std::array<int, 3> prev{};
    std::array<unsigned, 24> runCoords{};
    int prevRun = -1;
    int i = 0;
    auto absDiff = [](int a, int b) { return std::llabs(static_cast<long long>(a) - b); };
    while (i < natoms) {
        auto* cur = &ints[static_cast<std::size_t>(i)];
        int isSmaller = 0;
        if (smallIdx < maxIdx && i >= 1 && absDiff((*cur)[0], prev[0]) < larger &&
            absDiff((*cur)[1], prev[1]) < larger && absDiff((*cur)[2], prev[2]) < larger) {
            isSmaller = 1;
        } else if (smallIdx > minIdx) {
            isSmaller = -1;
        }
        bool isSmall = false;
        if (i + 1 < natoms) {
            auto& next = ints[static_cast<std::size_t>(i + 1)];
            if (absDiff((*cur)[0], next[0]) < smallNum && absDiff((*cur)[1], next[1]) < smallNum &&
                absDiff((*cur)[2], next[2]) < smallNum) {
                // Swap the pair (water O then H): the run then starts from the closer atom.
                std::swap(*cur, next);
                isSmall = true;
            }
        }
        std::array<unsigned, 3> full{};
        for (std::size_t d = 0; d < 3; ++d) {
            full[d] = static_cast<unsigned>(static_cast<std::int64_t>((*cur)[d]) - minInt[d]);
        }
        if (range.bitSize == 0) {
            for (std::size_t d = 0; d < 3; ++d) {
                bits.send(range.bitSizeInt[d], full[d]);
            }
        } else {
            sendInts(bits, range.bitSize, range.sizeInt, full);
        }
        prev = *cur;
        ++i;

        int run = 0;
        if (!isSmall && isSmaller == -1) {
            isSmaller = 0;
        }
        while (isSmall && run < 24) {
            cur = &ints[static_cast<std::size_t>(i)];
            const long long dx = static_cast<long long>((*cur)[0]) - prev[0];
            const long long dy = static_cast<long long>((*cur)[1]) - prev[1];
            const long long dz = static_cast<long long>((*cur)[2]) - prev[2];
            if (isSmaller == -1 && dx * dx + dy * dy + dz * dz >= static_cast<long long>(smaller) * smaller) {
                isSmaller = 0;
            }
            runCoords[static_cast<std::size_t>(run++)] = static_cast<unsigned>(dx + smallNum);
            runCoords[static_cast<std::size_t>(run++)] = static_cast<unsigned>(dy + smallNum);
            runCoords[static_cast<std::size_t>(run++)] = static_cast<unsigned>(dz + smallNum);
            prev = *cur;
            ++i;
            isSmall = false;
            if (i < natoms) {
                const auto& next = ints[static_cast<std::size_t>(i)];
                if (absDiff(next[0], prev[0]) < smallNum && absDiff(next[1], prev[1]) < smallNum &&
                    absDiff(next[2], prev[2]) < smallNum) {
                    isSmall = true;
                }
            }
        }
        if (run != prevRun || isSmaller != 0) {
            prevRun = run;
            bits.send(1, 1);
            bits.send(5, static_cast<unsigned>(run + isSmaller + 1));
        } else {
            bits.send(1, 0);
        }
        for (int k = 0; k < run; k += 3) {
            sendInts(bits, smallIdx, sizeSmall,
                     {runCoords[static_cast<std::size_t>(k)], runCoords[static_cast<std::size_t>(k + 1)],
                      runCoords[static_cast<std::size_t>(k + 2)]});
        }
        if (isSmaller != 0) {
            smallIdx += isSmaller;
            if (isSmaller < 0) {
                smallNum = smaller;
                smaller = smallIdx > kFirstIdx ? idx(smallIdx - 1) / 2 : 0;
            } else {
                smaller = smallNum;
                smallNum = idx(smallIdx) / 2;
            }
            sizeSmall.fill(static_cast<unsigned>(idx(smallIdx)));
        }
    }
    bits.finish();
    out.putInt32(static_cast<std::int32_t>(packed.size()));
    out.putOpaque(packed);
}

namespace {

struct CompressedHeader {
    float precision = 0;
    std::array<int, 3> minInt{};
    std::array<int, 3> maxInt{};
    int smallIdx = 0;
    std::string_view packed;
};

// Reads the fixed fields and the packed bytes of a compressed block; false if malformed.
bool readCompressedHeader(XdrDecoder& in, CompressedHeader& h, std::string& problem)
{
    h.precision = in.getFloat();
    for (int& v : h.minInt) { v = in.getInt32(); }
    for (int& v : h.maxInt) { v = in.getInt32(); }
    h.smallIdx = in.getInt32();
    const std::int32_t byteCount = in.getInt32();
    if (!in.ok()) {
        problem = "file ends inside the compressed-coordinate header";
        return false;
    }
    if (!(h.precision > 0) || !std::isfinite(h.precision)) {
        problem = fmt::format("invalid precision {}", h.precision);
        return false;
    }
    for (std::size_t d = 0; d < 3; ++d) {
        const std::int64_t size = static_cast<std::int64_t>(h.maxInt[d]) - h.minInt[d] + 1;
        if (size <= 0 || size > std::int64_t{UINT32_MAX}) {
            problem = fmt::format("invalid coordinate range [{}, {}]", h.minInt[d], h.maxInt[d]);
            return false;
        }
    }
    if (h.smallIdx < kFirstIdx || h.smallIdx >= kLastIdx) {
        problem = fmt::format("invalid small-difference index {} (expected {}..{})", h.smallIdx, kFirstIdx,
                              kLastIdx - 1);
        return false;
    }
    if (byteCount < 0 || static_cast<std::size_t>(byteCount) > in.remaining()) {
        problem = fmt::format("compressed data of {} bytes but only {} bytes left in the file", byteCount,
                              in.remaining());
        return false;
    }
    h.packed = in.getOpaque(static_cast<std::size_t>(byteCount));
    if (!in.ok()) {
        problem = "file ends inside the compressed coordinates";
        return false;
    }
    return true;
}

bool readAtomCount(XdrDecoder& in, int expected, std::string& problem)
{
    const std::int32_t n = in.getInt32();
    if (!in.ok()) {
        problem = "file ends before the coordinate block";
        return false;
    }
    if (n != expected) {
        problem = fmt::format("coordinate block holds {} atoms, the frame header says {}", n, expected);
        return false;
    }
    return true;
}

} // namespace

bool skipXtcCoordinates(XdrDecoder& in, int numAtoms, std::string& problem)
{
    if (!readAtomCount(in, numAtoms, problem)) {
        return false;
    }
    if (numAtoms <= 9) {
        in.skip(static_cast<std::size_t>(numAtoms) * 12);
        if (!in.ok()) {
            problem = "file ends inside the coordinates";
        }
        return in.ok();
    }
    CompressedHeader h;
    return readCompressedHeader(in, h, problem);
}

bool decodeXtcCoordinates(XdrDecoder& in, std::span<Vec3f> x, float& precision, std::string& problem)
{
    const int natoms = static_cast<int>(x.size());
    if (!readAtomCount(in, natoms, problem)) {
        return false;
    }
    if (natoms <= 9) {
        for (Vec3f& p : x) {
            p.x = in.getFloat();
            p.y = in.getFloat();
            p.z = in.getFloat();
        }
        precision = -1;
        if (!in.ok()) {
            problem = "file ends inside the coordinates";
        }
        return in.ok();
    }
    CompressedHeader h;
    if (!readCompressedHeader(in, h, problem)) {
        return false;
    }
    precision = h.precision;
    const RangeCoding range = rangeCoding(h.minInt, h.maxInt);
    int smallIdx = h.smallIdx;
    int smaller = idx(std::max(kFirstIdx, smallIdx - 1)) / 2;
    int smallNum = idx(smallIdx) / 2;
    std::array<unsigned, 3> sizeSmall{};
    sizeSmall.fill(static_cast<unsigned>(idx(smallIdx)));

    const float invPrecision = 1.0f / h.precision;
    auto store = [&](int atom, const std::array<std::int64_t, 3>& c) {
        Vec3f& p = x[static_cast<std::size_t>(atom)];
        p.x = static_cast<float>(c[0]) * invPrecision;
        p.y = static_cast<float>(c[1]) * invPrecision;
        p.z = static_cast<float>(c[2]) * invPrecision;
    };

    BitReader bits(h.packed);
    int run = 0;
    int i = 0;
    while (i < natoms) {
        std::array<std::int64_t, 3> first{};
        if (range.bitSize == 0) {
            for (std::size_t d = 0; d < 3; ++d) {
                first[d] = bits.receive(range.bitSizeInt[d]);
            }
        } else {
            const auto v = receiveInts(bits, range.bitSize, range.sizeInt);
            for (std::size_t d = 0; d < 3; ++d) {
                first[d] = v[d];
            }
        }
        for (std::size_t d = 0; d < 3; ++d) {
            first[d] += h.minInt[d];
        }
        const int firstAtom = i++;
        int isSmaller = 0;
        if (bits.receive(1) == 1) {
            run = static_cast<int>(bits.receive(5));
            isSmaller = run % 3;
            run -= isSmaller;
            --isSmaller;
        }
        if (bits.overrun()) {
            break;
        }
        if (run > 0) {
            if (i + run / 3 > natoms) {
                problem = fmt::format("a run of {} atoms after atom {} goes past the {} atoms of the frame", run / 3,
                                      i, natoms);
                return false;
            }
            std::array<std::int64_t, 3> prev = first;
            for (int k = 0; k < run; k += 3) {
                const auto v = receiveInts(bits, smallIdx, sizeSmall);
                std::array<std::int64_t, 3> cur{};
                for (std::size_t d = 0; d < 3; ++d) {
                    cur[d] = static_cast<std::int64_t>(v[d]) + prev[d] - smallNum;
                }
                if (k == 0) {
                    // The writer swapped the first pair: the first difference belongs to the first atom.
                    store(firstAtom, cur);
                    store(i, prev);
                } else {
                    store(i, cur);
                }
                prev = cur; // differences chain from the atom decoded last, as they were written
                ++i;
            }
        } else {
            store(firstAtom, first);
        }
        smallIdx += isSmaller;
        if (smallIdx < kFirstIdx || smallIdx >= kLastIdx) {
            problem = fmt::format("small-difference index left the table ({}) at atom {}", smallIdx, i);
            return false;
        }
        if (isSmaller < 0) {
            smallNum = smaller;
            smaller = smallIdx > kFirstIdx ? idx(smallIdx - 1) / 2 : 0;
        } else if (isSmaller > 0) {
            smaller = smallNum;
            smallNum = idx(smallIdx) / 2;
        }
        sizeSmall.fill(static_cast<unsigned>(idx(smallIdx)));
    }
    if (bits.overrun()) {
        problem = fmt::format("compressed coordinates end after {} of {} atoms", i, natoms);
        return false;
    }
    return true;
}

} // namespace proteinmd::detail
