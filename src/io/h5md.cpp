#include "proteinmd/io/h5md.h"

#include <hdf5.h>

#include <algorithm>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "proteinmd/core/error.h"

namespace proteinmd {

namespace fs = std::filesystem;

namespace {

// HDF5 reports errors on a stack; the library never prints, so automatic printing is off and the
// stack's descriptions (which include errno text for failed writes) go into the exception.
herr_t collectError(unsigned, const H5E_error2_t* err, void* data)
{
    auto* text = static_cast<std::string*>(data);
    if (err->desc != nullptr && *err->desc != '\0') {
        if (!text->empty()) {
            *text += "; ";
        }
        *text += err->desc;
    }
    return 0;
}

std::string takeHdf5Errors()
{
    std::string text;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collectError, &text);
    H5Eclear2(H5E_DEFAULT);
    return text.empty() ? "no HDF5 error details" : text;
}

void silenceHdf5()
{
    static const bool done = [] {
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
        return true;
    }();
    (void)done;
}

// Owns one HDF5 identifier and closes it with the matching H5?close.
class Handle {
public:
    using Closer = herr_t (*)(hid_t);
    Handle() = default;
    Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    Handle(Handle&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)), closer_(o.closer_) {}
    Handle& operator=(Handle&& o) noexcept
    {
        if (this != &o) {
            reset();
            id_ = std::exchange(o.id_, H5I_INVALID_HID);
            closer_ = o.closer_;
        }
        return *this;
    }
    ~Handle() { reset(); }
    void reset()
    {
        if (id_ >= 0 && closer_ != nullptr) {
            closer_(id_);
        }
        id_ = H5I_INVALID_HID;
    }
    hid_t get() const { return id_; }
    hid_t release() { return std::exchange(id_, H5I_INVALID_HID); }
    bool valid() const { return id_ >= 0; }

private:
    hid_t id_ = H5I_INVALID_HID;
    Closer closer_ = nullptr;
};

struct Context {
    std::string path;
    [[noreturn]] void fail(const std::string& what) const
    {
        throw Error(fmt::format("cannot write '{}': {} ({})", path, what, takeHdf5Errors()));
    }
    hid_t check(hid_t id, const std::string& what) const
    {
        if (id < 0) {
            fail(what);
        }
        return id;
    }
    void ok(herr_t rc, const char* what) const
    {
        if (rc < 0) {
            fail(what);
        }
    }
};

Handle group(const Context& c, hid_t parent, const std::string& name, bool create)
{
    const hid_t id = create ? H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)
                            : H5Gopen2(parent, name.c_str(), H5P_DEFAULT);
    return Handle(c.check(id, (create ? "cannot create group " : "cannot open group ") + name), H5Gclose);
}

bool exists(hid_t parent, const std::string& name) { return H5Lexists(parent, name.c_str(), H5P_DEFAULT) > 0; }

void stringAttribute(const Context& c, hid_t object, const char* name, const std::vector<std::string>& values,
                     bool scalar)
{
    Handle type(c.check(H5Tcopy(H5T_C_S1), "H5Tcopy"), H5Tclose);
    c.ok(H5Tset_size(type.get(), H5T_VARIABLE), "H5Tset_size");
    c.ok(H5Tset_cset(type.get(), H5T_CSET_UTF8), "H5Tset_cset");
    const hsize_t dims[1] = {values.size()};
    Handle space(c.check(scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, dims, nullptr), "H5Screate"), H5Sclose);
    Handle attr(c.check(H5Acreate2(object, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
                        fmt::format("cannot create attribute {}", name)),
                H5Aclose);
    std::vector<const char*> pointers;
    for (const auto& v : values) {
        pointers.push_back(v.c_str());
    }
    c.ok(H5Awrite(attr.get(), type.get(), pointers.data()), "H5Awrite");
}

void intAttribute(const Context& c, hid_t object, const char* name, const std::vector<int>& values, bool scalar)
{
    const hsize_t dims[1] = {values.size()};
    Handle space(c.check(scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, dims, nullptr), "H5Screate"), H5Sclose);
    Handle attr(c.check(H5Acreate2(object, name, H5T_STD_I32LE, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                        fmt::format("cannot create attribute {}", name)),
                H5Aclose);
    c.ok(H5Awrite(attr.get(), H5T_NATIVE_INT, values.data()), "H5Awrite");
}

// An H5MD time-dependent element: step, time and value datasets growing along the first axis,
// with frames staged in memory until a chunk is full.
class TimeSeries {
public:
    static TimeSeries create(const Context& c, hid_t parent, const std::string& name, std::vector<hsize_t> frameShape,
                             bool single, std::size_t chunkFrames, int deflate, const std::string& unit)
    {
        TimeSeries s;
        s.group_ = group(c, parent, name, true);
        s.frameShape_ = std::move(frameShape);
        s.single_ = single;
        s.chunkFrames_ = std::max<std::size_t>(chunkFrames, 1);
        const hsize_t seriesChunk = std::max<hsize_t>(s.chunkFrames_, 256);
        s.step_ = dataset(c, s.group_.get(), "step", H5T_STD_I64LE, {}, seriesChunk, 0);
        s.time_ = dataset(c, s.group_.get(), "time", H5T_IEEE_F64LE, {}, seriesChunk, 0);
        s.value_ = dataset(c, s.group_.get(), "value", single ? H5T_IEEE_F32LE : H5T_IEEE_F64LE, s.frameShape_,
                           s.chunkFrames_, deflate);
        stringAttribute(c, s.time_.get(), "unit", {"ps"}, true);
        if (!unit.empty()) {
            stringAttribute(c, s.value_.get(), "unit", {unit}, true);
        }
        return s;
    }

    static TimeSeries open(const Context& c, hid_t parent, const std::string& name, std::size_t chunkFrames)
    {
        TimeSeries s;
        s.group_ = group(c, parent, name, false);
        auto openSet = [&](const char* set) {
            return Handle(c.check(H5Dopen2(s.group_.get(), set, H5P_DEFAULT), fmt::format("cannot open {}/{}", name, set)),
                          H5Dclose);
        };
        s.step_ = openSet("step");
        s.time_ = openSet("time");
        s.value_ = openSet("value");
        Handle space(c.check(H5Dget_space(s.value_.get()), "H5Dget_space"), H5Sclose);
        const int rank = H5Sget_simple_extent_ndims(space.get());
        std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 1)));
        H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
        s.inFile_ = static_cast<std::int64_t>(dims[0]);
        s.frameShape_.assign(dims.begin() + 1, dims.end());
        Handle type(c.check(H5Dget_type(s.value_.get()), "H5Dget_type"), H5Tclose);
        s.single_ = H5Tget_size(type.get()) == 4;
        s.chunkFrames_ = std::max<std::size_t>(chunkFrames, 1);
        return s;
    }

    std::size_t frameSize() const
    {
        std::size_t n = 1;
        for (hsize_t d : frameShape_) {
            n *= static_cast<std::size_t>(d);
        }
        return n;
    }
    const std::vector<hsize_t>& frameShape() const { return frameShape_; }

    template <typename Fill>
    void stage(const Context& c, std::int64_t step, double time, Fill fill)
    {
        steps_.push_back(step);
        times_.push_back(time);
        fill(single_ ? static_cast<void*>(&floats_) : static_cast<void*>(&doubles_));
        if (steps_.size() >= chunkFrames_) {
            writeStaged(c);
        }
    }
    void stageValues(const Context& c, std::int64_t step, double time, std::span<const double> values)
    {
        stage(c, step, time, [&](void*) {
            if (single_) {
                for (double v : values) {
                    floats_.push_back(static_cast<float>(v));
                }
            } else {
                doubles_.insert(doubles_.end(), values.begin(), values.end());
            }
        });
    }

    void writeStaged(const Context& c)
    {
        const hsize_t n = steps_.size();
        if (n == 0) {
            return;
        }
        const auto start = static_cast<hsize_t>(inFile_);
        append(c, step_.get(), H5T_NATIVE_INT64, start, n, steps_.data());
        append(c, time_.get(), H5T_NATIVE_DOUBLE, start, n, times_.data());
        if (single_) {
            append(c, value_.get(), H5T_NATIVE_FLOAT, start, n, floats_.data());
        } else {
            append(c, value_.get(), H5T_NATIVE_DOUBLE, start, n, doubles_.data());
        }
        inFile_ += static_cast<std::int64_t>(n);
        steps_.clear();
        times_.clear();
        floats_.clear();
        doubles_.clear();
    }

    void truncateAfterStep(const Context& c, std::int64_t lastStep)
    {
        writeStaged(c);
        std::vector<std::int64_t> steps(static_cast<std::size_t>(inFile_));
        if (!steps.empty()) {
            c.ok(H5Dread(step_.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, steps.data()), "H5Dread step");
        }
        const auto keep = static_cast<hsize_t>(
            std::find_if(steps.begin(), steps.end(), [&](std::int64_t s) { return s > lastStep; }) - steps.begin());
        resize(c, step_.get(), keep);
        resize(c, time_.get(), keep);
        resize(c, value_.get(), keep);
        inFile_ = static_cast<std::int64_t>(keep);
    }

    std::int64_t frames() const { return inFile_ + static_cast<std::int64_t>(steps_.size()); }

private:
    static Handle dataset(const Context& c, hid_t parent, const char* name, hid_t fileType,
                          const std::vector<hsize_t>& frameShape, hsize_t chunkFrames, int deflate)
    {
        std::vector<hsize_t> dims{0}, maxDims{H5S_UNLIMITED}, chunk{chunkFrames};
        for (hsize_t d : frameShape) {
            dims.push_back(d);
            maxDims.push_back(d);
            chunk.push_back(std::max<hsize_t>(d, 1));
        }
        const int rank = static_cast<int>(dims.size());
        Handle space(c.check(H5Screate_simple(rank, dims.data(), maxDims.data()), "H5Screate_simple"), H5Sclose);
        Handle props(c.check(H5Pcreate(H5P_DATASET_CREATE), "H5Pcreate"), H5Pclose);
        c.ok(H5Pset_chunk(props.get(), rank, chunk.data()), "H5Pset_chunk");
        if (deflate > 0) {
            c.ok(H5Pset_shuffle(props.get()), "H5Pset_shuffle");
            c.ok(H5Pset_deflate(props.get(), static_cast<unsigned>(deflate)), "H5Pset_deflate");
        }
        return Handle(c.check(H5Dcreate2(parent, name, fileType, space.get(), H5P_DEFAULT, props.get(), H5P_DEFAULT),
                              fmt::format("cannot create dataset {}", name)),
                      H5Dclose);
    }

    void resize(const Context& c, hid_t set, hsize_t frames) const
    {
        std::vector<hsize_t> dims{frames};
        if (set == value_.get()) {
            dims.insert(dims.end(), frameShape_.begin(), frameShape_.end());
        }
        c.ok(H5Dset_extent(set, dims.data()), "H5Dset_extent");
    }

    void append(const Context& c, hid_t set, hid_t memType, hsize_t start, hsize_t n, const void* data) const
    {
        const bool isValue = set == value_.get();
        std::vector<hsize_t> newDims{start + n}, offset{start}, count{n};
        if (isValue) {
            for (hsize_t d : frameShape_) {
                newDims.push_back(d);
                offset.push_back(0);
                count.push_back(d);
            }
        }
        c.ok(H5Dset_extent(set, newDims.data()), "cannot extend dataset");
        Handle fileSpace(c.check(H5Dget_space(set), "H5Dget_space"), H5Sclose);
        c.ok(H5Sselect_hyperslab(fileSpace.get(), H5S_SELECT_SET, offset.data(), nullptr, count.data(), nullptr),
                "H5Sselect_hyperslab");
        Handle memSpace(c.check(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr), "H5Screate"),
                        H5Sclose);
        c.ok(H5Dwrite(set, memType, memSpace.get(), fileSpace.get(), H5P_DEFAULT, data), "H5Dwrite failed");
    }

    Handle group_, step_, time_, value_;
    std::vector<hsize_t> frameShape_;
    bool single_ = true;
    std::size_t chunkFrames_ = 1;
    std::int64_t inFile_ = 0;
    std::vector<std::int64_t> steps_;
    std::vector<double> times_;
    std::vector<float> floats_;
    std::vector<double> doubles_;
};

void stageVectors(const Context& c, TimeSeries& series, std::int64_t step, double time, std::span<const Vec3> v)
{
    std::vector<double> flat;
    flat.reserve(v.size() * 3);
    for (const Vec3& p : v) {
        flat.insert(flat.end(), {p.x, p.y, p.z});
    }
    series.stageValues(c, step, time, flat);
}

} // namespace

struct H5mdWriter::Impl {
    Context ctx;
    int numAtoms = 0;
    H5mdOptions options;
    std::size_t chunkFrames = 1;
    Handle file;
    Handle particles; // /particles/<group>, created with the first frame
    std::optional<TimeSeries> position, velocity, force, edges;
    Handle observablesGroup;
    std::map<std::string, TimeSeries> observables;

    void flushAll()
    {
        for (auto* s : {&position, &velocity, &force, &edges}) {
            if (s->has_value()) {
                (*s)->writeStaged(ctx);
            }
        }
        for (auto& [name, s] : observables) {
            s.writeStaged(ctx);
        }
        ctx.ok(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), "H5Fflush failed");
    }

    void createParticles(bool periodic)
    {
        Handle top = exists(file.get(), "particles") ? group(ctx, file.get(), "particles", false)
                                                       : group(ctx, file.get(), "particles", true);
        particles = group(ctx, top.get(), options.particleGroup, true);
        const std::vector<hsize_t> shape{static_cast<hsize_t>(numAtoms), 3};
        position = TimeSeries::create(ctx, particles.get(), "position", shape, true, chunkFrames, options.deflateLevel, "nm");
        if (options.velocities) {
            velocity = TimeSeries::create(ctx, particles.get(), "velocity", shape, true, chunkFrames,
                                          options.deflateLevel, "nm ps-1");
        }
        if (options.forces) {
            force = TimeSeries::create(ctx, particles.get(), "force", shape, true, chunkFrames, options.deflateLevel,
                                       "kJ mol-1 nm-1");
        }
        Handle box = group(ctx, particles.get(), "box", true);
        intAttribute(ctx, box.get(), "dimension", {3}, true);
        const std::string boundary = periodic ? "periodic" : "none";
        stringAttribute(ctx, box.get(), "boundary", {boundary, boundary, boundary}, false);
        if (periodic) {
            edges = TimeSeries::create(ctx, box.get(), "edges", {3, 3}, true, std::max<std::size_t>(chunkFrames, 64),
                                       options.deflateLevel, "nm");
        }
    }

    void openExisting()
    {
        if (!exists(file.get(), "h5md") || !exists(file.get(), "particles")) {
            throw InputError(SourceLocation{ctx.path, 0, {}}, "cannot append: not an H5MD file (no /h5md or /particles)");
        }
        Handle top = group(ctx, file.get(), "particles", false);
        if (!exists(top.get(), options.particleGroup)) {
            throw InputError(SourceLocation{ctx.path, 0, {}},
                             fmt::format("cannot append: no particle group /particles/{}", options.particleGroup));
        }
        particles = group(ctx, top.get(), options.particleGroup, false);
        position = TimeSeries::open(ctx, particles.get(), "position", chunkFrames);
        if (position->frameShape() != std::vector<hsize_t>{static_cast<hsize_t>(numAtoms), 3}) {
            throw InputError(SourceLocation{ctx.path, 0, {}},
                             fmt::format("cannot append: the file holds {} atoms, this run has {}",
                                         position->frameShape().empty() ? 0 : position->frameShape()[0], numAtoms));
        }
        options.velocities = exists(particles.get(), "velocity");
        options.forces = exists(particles.get(), "force");
        if (options.velocities) {
            velocity = TimeSeries::open(ctx, particles.get(), "velocity", chunkFrames);
        }
        if (options.forces) {
            force = TimeSeries::open(ctx, particles.get(), "force", chunkFrames);
        }
        Handle box = group(ctx, particles.get(), "box", false);
        if (exists(box.get(), "edges")) {
            edges = TimeSeries::open(ctx, box.get(), "edges", std::max<std::size_t>(chunkFrames, 64));
        }
    }

    TimeSeries& observable(const std::string& name)
    {
        auto it = observables.find(name);
        if (it != observables.end()) {
            return it->second;
        }
        if (!observablesGroup.valid()) {
            observablesGroup = group(ctx, file.get(), "observables", !exists(file.get(), "observables"));
        }
        TimeSeries s = exists(observablesGroup.get(), name)
            ? TimeSeries::open(ctx, observablesGroup.get(), name, 1024)
            : TimeSeries::create(ctx, observablesGroup.get(), name, {}, false, 1024, 0, "");
        return observables.emplace(name, std::move(s)).first->second;
    }
};

H5mdWriter::H5mdWriter(const fs::path& path, int numAtoms, H5mdOptions options, bool append)
    : impl_(std::make_unique<Impl>())
{
    silenceHdf5();
    Impl& m = *impl_;
    m.ctx.path = path.string();
    m.numAtoms = numAtoms;
    m.options = std::move(options);
    if (numAtoms < 0 || m.options.particleGroup.empty() || m.options.deflateLevel < 0 || m.options.deflateLevel > 9) {
        throw SetupError(fmt::format("h5md '{}': invalid atom count {}, particle group '{}' or deflate level {}",
                                     m.ctx.path, numAtoms, m.options.particleGroup, m.options.deflateLevel));
    }
    const std::size_t frameBytes = std::max<std::size_t>(12 * static_cast<std::size_t>(numAtoms), 1);
    m.chunkFrames = m.options.framesPerChunk > 0 ? m.options.framesPerChunk
                                                  : std::max<std::size_t>(1, (std::size_t{1} << 20) / frameBytes);
    std::error_code ec;
    if (append && fs::is_regular_file(path, ec)) {
        m.file = Handle(m.ctx.check(H5Fopen(m.ctx.path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), "cannot open HDF5 file"),
                        H5Fclose);
        m.openExisting();
        return;
    }
    m.file = Handle(m.ctx.check(H5Fcreate(m.ctx.path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
                                "cannot create HDF5 file"),
                    H5Fclose);
    Handle h5md = group(m.ctx, m.file.get(), "h5md", true);
    intAttribute(m.ctx, h5md.get(), "version", {1, 1}, false);
    Handle author = group(m.ctx, h5md.get(), "author", true);
    stringAttribute(m.ctx, author.get(), "name", {m.options.author}, true);
    Handle creator = group(m.ctx, h5md.get(), "creator", true);
    stringAttribute(m.ctx, creator.get(), "name", {"proteinmd"}, true);
    stringAttribute(m.ctx, creator.get(), "version", {"0.1.0"}, true);
}

H5mdWriter::~H5mdWriter()
{
    if (impl_ && impl_->file.valid()) {
        try {
            impl_->flushAll();
        } catch (...) { // NOLINT(bugprone-empty-catch): destructors cannot throw; close() reports instead
        }
    }
}
H5mdWriter::H5mdWriter(H5mdWriter&&) noexcept = default;
H5mdWriter& H5mdWriter::operator=(H5mdWriter&&) noexcept = default;

void H5mdWriter::writeFrame(std::int64_t step, double timePs, std::span<const Vec3> positions, const Box& box,
                            std::span<const Vec3> velocities, std::span<const Vec3> forces)
{
    Impl& m = *impl_;
    const auto n = static_cast<std::size_t>(m.numAtoms);
    if (positions.size() != n || velocities.size() != (m.options.velocities ? n : 0) ||
        forces.size() != (m.options.forces ? n : 0)) {
        throw SetupError(fmt::format("h5md '{}': frame with {} positions, {} velocities, {} forces; expected {} atoms"
                                     " with velocities {} and forces {}",
                                     m.ctx.path, positions.size(), velocities.size(), forces.size(), n,
                                     m.options.velocities ? "on" : "off", m.options.forces ? "on" : "off"));
    }
    if (!m.position) {
        m.createParticles(box.isPeriodic());
    }
    if (box.isPeriodic() != m.edges.has_value()) {
        throw SetupError(fmt::format("h5md '{}': the box changed between periodic and non-periodic", m.ctx.path));
    }
    stageVectors(m.ctx, *m.position, step, timePs, positions);
    if (m.velocity) {
        stageVectors(m.ctx, *m.velocity, step, timePs, velocities);
    }
    if (m.force) {
        stageVectors(m.ctx, *m.force, step, timePs, forces);
    }
    if (m.edges) {
        const Matrix3& v = box.vectors();
        stageVectors(m.ctx, *m.edges, step, timePs, std::span<const Vec3>(v.rows.data(), 3));
    }
}

void H5mdWriter::writeObservable(const std::string& name, std::int64_t step, double timePs, double value)
{
    Impl& m = *impl_;
    if (name.empty() || name.find('/') != std::string::npos) {
        throw SetupError(fmt::format("h5md '{}': invalid observable name '{}'", m.ctx.path, name));
    }
    const double v[1] = {value};
    m.observable(name).stageValues(m.ctx, step, timePs, v);
}

void H5mdWriter::truncateAfterStep(std::int64_t step)
{
    Impl& m = *impl_;
    for (auto* s : {&m.position, &m.velocity, &m.force, &m.edges}) {
        if (s->has_value()) {
            (*s)->truncateAfterStep(m.ctx, step);
        }
    }
    if (exists(m.file.get(), "observables")) {
        Handle obs = group(m.ctx, m.file.get(), "observables", false);
        // Every observable in the file, also those this writer has not touched yet.
        std::vector<std::string> names;
        H5Literate(
            obs.get(), H5_INDEX_NAME, H5_ITER_NATIVE, nullptr,
            [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
                static_cast<std::vector<std::string>*>(data)->emplace_back(name);
                return 0;
            },
            &names);
        for (const auto& name : names) {
            m.observable(name).truncateAfterStep(m.ctx, step);
        }
    }
    m.flushAll();
}

void H5mdWriter::flush() { impl_->flushAll(); }

void H5mdWriter::close()
{
    Impl& m = *impl_;
    if (!m.file.valid()) {
        return;
    }
    m.flushAll();
    m.position.reset();
    m.velocity.reset();
    m.force.reset();
    m.edges.reset();
    m.observables.clear();
    m.observablesGroup.reset();
    m.particles.reset();
    // Handle's reset would ignore the result; close explicitly to report a failure.
    const hid_t id = m.file.release();
    if (H5Fclose(id) < 0) {
        m.ctx.fail("H5Fclose failed");
    }
}

std::int64_t H5mdWriter::framesWritten() const { return impl_->position ? impl_->position->frames() : 0; }

} // namespace proteinmd
