#pragma once
// XDR (RFC 4506) big-endian encoding as used by GROMACS's .xtc and .trr files (internal):
// 4-byte ints and floats, 8-byte doubles, opaque data padded with zeros to a multiple of 4 bytes.

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace proteinmd::detail {

class XdrEncoder {
public:
    void putUint32(std::uint32_t v)
    {
        const char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
                           static_cast<char>(v)};
        bytes_.append(b, 4);
    }
    void putInt32(std::int32_t v) { putUint32(static_cast<std::uint32_t>(v)); }
    void putFloat(float v) { putUint32(std::bit_cast<std::uint32_t>(v)); }
    void putDouble(double v)
    {
        const auto u = std::bit_cast<std::uint64_t>(v);
        putUint32(static_cast<std::uint32_t>(u >> 32));
        putUint32(static_cast<std::uint32_t>(u));
    }
    // Raw bytes followed by zero padding to a 4-byte boundary (xdr_opaque).
    void putOpaque(std::string_view data)
    {
        bytes_.append(data);
        bytes_.append((4 - data.size() % 4) % 4, '\0');
    }
    // Length (uint) then the characters, padded (xdr_string).
    void putString(std::string_view s)
    {
        putUint32(static_cast<std::uint32_t>(s.size()));
        putOpaque(s);
    }

    const std::string& bytes() const { return bytes_; }
    std::string& bytes() { return bytes_; }
    void clear() { bytes_.clear(); }

private:
    std::string bytes_;
};

// Reads XDR values from a byte range; every read checks that the bytes are there. On a short read
// it sets ok() to false and returns 0, so callers test once after a group of reads.
class XdrDecoder {
public:
    explicit XdrDecoder(std::string_view data) : data_(data) {}

    std::uint32_t getUint32()
    {
        if (!need(4)) {
            return 0;
        }
        const auto* p = reinterpret_cast<const unsigned char*>(data_.data() + pos_);
        pos_ += 4;
        return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
    }
    std::int32_t getInt32() { return static_cast<std::int32_t>(getUint32()); }
    float getFloat() { return std::bit_cast<float>(getUint32()); }
    double getDouble()
    {
        const std::uint64_t hi = getUint32();
        const std::uint64_t lo = getUint32();
        return std::bit_cast<double>((hi << 32) | lo);
    }
    std::string_view getOpaque(std::size_t n)
    {
        const std::size_t padded = n + (4 - n % 4) % 4;
        if (!need(padded)) {
            return {};
        }
        std::string_view out = data_.substr(pos_, n);
        pos_ += padded;
        return out;
    }
    void skip(std::size_t n)
    {
        if (need(n)) {
            pos_ += n;
        }
    }

    bool ok() const { return ok_; }
    std::size_t position() const { return pos_; }
    std::size_t remaining() const { return data_.size() - pos_; }

private:
    bool need(std::size_t n)
    {
        if (!ok_ || data_.size() - pos_ < n) {
            ok_ = false;
            return false;
        }
        return true;
    }

    std::string_view data_;
    std::size_t pos_ = 0;
    bool ok_ = true;
};

} // namespace proteinmd::detail
