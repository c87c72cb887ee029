//===- Artifact.cpp - The mpt artifact file: reader and writer ------------===//

#include "mpt-runtime/Artifact.h"
#include "mpt-runtime/FileIO.h"

#include "LittleEndian.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <vector>

using namespace mpt::rt;

static const char kMagic[8] = {'\x89', 'M', 'P', 'T', '\r', '\n', '\x1a', '\n'};
static const char kEndMagic[4] = {'M', 'P', 'T', 'E'};
static constexpr size_t kHeaderBytes = 32;
static constexpr size_t kSectionEntryBytes = 32;
static constexpr size_t kTrailerBytes = 8;

static Status checkSections(const ArtifactContents &c) {
  if (c.manifest.target == "cpu" && c.nativeSharedObject.empty())
    return Status::error("a cpu artifact needs the native shared object");
  if (c.manifest.target == "cuda" && c.ptx.empty())
    return Status::error("a cuda artifact needs PTX");
  if (c.manifest.target == "cuda" && !c.launchPlan)
    return Status::error("a cuda artifact needs a launch plan");
  if (c.launchPlan)
    if (Status st =
            c.launchPlan->validate(c.manifest, c.deviceConstants.size());
        st.failed())
      return st;
  if (!c.nativeSharedObject.empty() && c.nativeSharedObject.compare(0, 4,
                                                                    "\x7f"
                                                                    "ELF") != 0)
    return Status::error("the native shared object is not an ELF file");
  return Status::success();
}

Expected<std::string>
mpt::rt::serializeArtifact(const ArtifactContents &contents) {
  if (Status st = contents.manifest.validate(); st.failed())
    return st.withContext("invalid signature table");
  if (Status st = checkSections(contents); st.failed())
    return st;
  struct Sec {
    SectionKind kind;
    std::string_view bytes;
  };
  std::string manifestText = contents.manifest.toJsonText(2);
  std::vector<Sec> secs = {{SectionKind::Manifest, manifestText}};
  if (!contents.nativeSharedObject.empty())
    secs.push_back(
        {SectionKind::NativeSharedObject, contents.nativeSharedObject});
  if (!contents.ptx.empty())
    secs.push_back({SectionKind::Ptx, contents.ptx});
  std::string planText;
  if (contents.launchPlan) {
    planText = contents.launchPlan->toJsonText();
    secs.push_back({SectionKind::LaunchPlan, planText});
  }
  if (!contents.deviceConstants.empty())
    secs.push_back({SectionKind::DeviceConstants, contents.deviceConstants});

  auto align16 = [](uint64_t v) { return (v + 15) & ~uint64_t(15); };
  uint64_t offset = align16(kHeaderBytes + kSectionEntryBytes * secs.size());
  std::vector<uint64_t> offsets;
  for (const Sec &s : secs) {
    offsets.push_back(offset);
    offset = align16(offset + s.bytes.size());
  }
  uint64_t fileSize = offset + kTrailerBytes;

  std::string out;
  out.reserve(fileSize);
  out.append(kMagic, 8);
  putLE(out, kArtifactFormatVersion, 4);
  putLE(out, static_cast<uint32_t>(secs.size()), 4);
  putLE(out, fileSize, 8);
  putLE(out, 0, 8);
  for (size_t i = 0; i < secs.size(); ++i) {
    putLE(out, static_cast<uint32_t>(secs[i].kind), 4);
    putLE(out, 0, 4);
    putLE(out, offsets[i], 8);
    putLE(out, secs[i].bytes.size(), 8);
    putLE(out, 0, 8);
  }
  for (size_t i = 0; i < secs.size(); ++i) {
    out.resize(offsets[i], '\0');
    out.append(secs[i].bytes.data(), secs[i].bytes.size());
  }
  out.resize(fileSize - kTrailerBytes, '\0');
  putLE(out, crc32(out.data(), out.size()), 4);
  out.append(kEndMagic, 4);
  return out;
}

Status mpt::rt::writeArtifactFile(const std::string &path,
                                  const ArtifactContents &contents) {
  Expected<std::string> bytes = serializeArtifact(contents);
  if (bytes.failed())
    return Status::error("cannot write artifact '" + path +
                         "': " + bytes.message());
  return writeFileAtomic(path, *bytes);
}

/// Magic, version, size, end marker and checksum, in this order (a newer
/// version may lay the rest out differently, so it is refused first).
static Status checkContainer(std::string_view bytes) {
  if (bytes.size() < 8 || std::memcmp(bytes.data(), kMagic, 8) != 0)
    return Status::error("not an mpt artifact (bad magic; expected a file "
                         "written by mpt-compile)");
  if (bytes.size() < kHeaderBytes)
    return Status::error("truncated artifact (" + std::to_string(bytes.size()) +
                         " bytes, shorter than the header)");
  uint32_t version = static_cast<uint32_t>(getLE(bytes.data() + 8, 4));
  if (version > kArtifactFormatVersion)
    return Status::error(
        "artifact format version " + std::to_string(version) +
        " is newer than this runtime supports (version " +
        std::to_string(kArtifactFormatVersion) +
        "); use an mpt-run from the same mpt as the mpt-compile that wrote it");
  if (version == 0)
    return Status::error("invalid artifact format version 0");
  uint32_t count = static_cast<uint32_t>(getLE(bytes.data() + 12, 4));
  uint64_t fileSize = getLE(bytes.data() + 16, 8);
  if (bytes.size() < fileSize)
    return Status::error("truncated artifact (" + std::to_string(bytes.size()) +
                         " of " + std::to_string(fileSize) + " bytes)");
  if (bytes.size() > fileSize)
    return Status::error("corrupt artifact (" +
                         std::to_string(bytes.size() - fileSize) +
                         " unexpected bytes after the end)");
  if (fileSize < kHeaderBytes + kTrailerBytes ||
      count > (fileSize - kHeaderBytes - kTrailerBytes) / kSectionEntryBytes)
    return Status::error("corrupt artifact (inconsistent header)");
  const char *trailer = bytes.data() + fileSize - kTrailerBytes;
  if (std::memcmp(trailer + 4, kEndMagic, 4) != 0)
    return Status::error("corrupt artifact (bad end marker)");
  uint32_t want = static_cast<uint32_t>(getLE(trailer, 4));
  uint32_t have = crc32(bytes.data(), fileSize - kTrailerBytes);
  if (want != have) {
    char buf[96];
    std::snprintf(buf, sizeof(buf),
                  "checksum mismatch (stored %08x, computed %08x)", want, have);
    return Status::error(std::string("corrupt artifact: ") + buf);
  }
  if (uint64_t reserved = getLE(bytes.data() + 24, 8))
    return Status::error("corrupt artifact (the reserved header field is " +
                         std::to_string(reserved) + ", not 0)");
  return Status::success();
}

namespace {
struct SectionEntry {
  uint32_t kind = 0, flags = 0;
  uint64_t offset = 0, size = 0;
};
} // namespace

/// The section table: every entry's flags known, reserved field zero,
/// data aligned to 16 and inside the file; no two sections overlapping;
/// and every byte outside the header, the table, the sections and the
/// trailer zero (padding hides nothing).
static Expected<std::vector<SectionEntry>>
readSectionTable(std::string_view bytes) {
  uint32_t count = static_cast<uint32_t>(getLE(bytes.data() + 12, 4));
  uint64_t dataEnd = bytes.size() - kTrailerBytes;
  uint64_t tableEnd = kHeaderBytes + uint64_t(count) * kSectionEntryBytes;
  std::vector<SectionEntry> entries;
  for (uint32_t i = 0; i < count; ++i) {
    const char *e = bytes.data() + kHeaderBytes + i * kSectionEntryBytes;
    SectionEntry s{static_cast<uint32_t>(getLE(e, 4)),
                   static_cast<uint32_t>(getLE(e + 4, 4)), getLE(e + 8, 8),
                   getLE(e + 16, 8)};
    std::string which = "corrupt artifact (section " + std::to_string(i);
    if (s.offset < tableEnd || s.offset > dataEnd ||
        s.size > dataEnd - s.offset)
      return Status::error(which + " lies outside the file)");
    if (s.flags & ~kSectionOptional)
      return Status::error(which + " has unknown flags " +
                           std::to_string(s.flags) + ")");
    if (uint64_t reserved = getLE(e + 24, 8))
      return Status::error(which + ": the reserved field is " +
                           std::to_string(reserved) + ", not 0)");
    if (s.offset % 16)
      return Status::error(which + " starts at offset " +
                           std::to_string(s.offset) +
                           ", not a multiple of 16)");
    entries.push_back(s);
  }
  std::vector<size_t> order(entries.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return std::make_pair(entries[a].offset, entries[a].size) <
           std::make_pair(entries[b].offset, entries[b].size);
  });
  uint64_t pos = tableEnd;
  auto zeroUpTo = [&](uint64_t end) {
    for (; pos < end; ++pos)
      if (bytes[pos] != '\0')
        return false;
    return true;
  };
  for (size_t k = 0; k < order.size(); ++k) {
    const SectionEntry &s = entries[order[k]];
    if (k && s.offset < pos)
      return Status::error("corrupt artifact (sections " +
                           std::to_string(order[k - 1]) + " and " +
                           std::to_string(order[k]) + " overlap)");
    if (!zeroUpTo(s.offset))
      return Status::error("corrupt artifact (a non-zero byte at offset " +
                           std::to_string(pos) + ", outside every section)");
    pos = s.offset + s.size;
  }
  if (!zeroUpTo(dataEnd))
    return Status::error("corrupt artifact (a non-zero byte at offset " +
                         std::to_string(pos) + ", outside every section)");
  return entries;
}

namespace {
/// The sections of known kinds, each at most once.
struct SectionTexts {
  std::optional<std::string_view> manifest, native, ptx, plan, constants;

  /// Why the section cannot be taken, or "".
  std::string take(const SectionEntry &s, std::string_view data) {
    auto once = [&](std::optional<std::string_view> &slot, const char *what) {
      if (slot)
        return std::string("corrupt artifact (two ") + what + ")";
      slot = data;
      return std::string();
    };
    switch (s.kind) {
    case static_cast<uint32_t>(SectionKind::Manifest):
      return once(manifest, "signature tables");
    case static_cast<uint32_t>(SectionKind::NativeSharedObject):
      return once(native, "native code sections");
    case static_cast<uint32_t>(SectionKind::Ptx):
      return once(ptx, "PTX sections");
    case static_cast<uint32_t>(SectionKind::LaunchPlan):
      return once(plan, "launch plans");
    case static_cast<uint32_t>(SectionKind::DeviceConstants):
      return once(constants, "device constant sections");
    default:
      if (!(s.flags & kSectionOptional))
        return "section kind " + std::to_string(s.kind) +
               " is not known to this runtime; update mpt";
      return "";
    }
  }
};
} // namespace

Expected<ArtifactContents> mpt::rt::parseArtifact(std::string_view bytes,
                                                  const std::string &name) {
  auto fail = [&](const std::string &why) {
    return Status::error(name + ": " + why);
  };
  if (Status st = checkContainer(bytes); st.failed())
    return fail(st.message());
  Expected<std::vector<SectionEntry>> entries = readSectionTable(bytes);
  if (entries.failed())
    return fail(entries.message());
  SectionTexts texts;
  for (const SectionEntry &s : *entries)
    if (std::string why = texts.take(s, bytes.substr(s.offset, s.size));
        !why.empty())
      return fail(why);
  if (!texts.manifest)
    return fail("corrupt artifact (no signature table)");
  ArtifactContents out;
  Expected<Manifest> m = Manifest::fromJsonText(*texts.manifest);
  if (m.failed())
    return fail(m.message());
  out.manifest = m.take();
  if (texts.plan) {
    Expected<LaunchPlan> plan = LaunchPlan::fromJsonText(*texts.plan);
    if (plan.failed())
      return fail(plan.message());
    out.launchPlan = plan.take();
  }
  out.nativeSharedObject.assign(texts.native.value_or(""));
  out.ptx.assign(texts.ptx.value_or(""));
  out.deviceConstants.assign(texts.constants.value_or(""));
  if (Status st = checkSections(out); st.failed())
    return fail(st.message());
  return out;
}

/// The file size an artifact's header states (when the magic and the
/// version are ones this runtime reads).
static SizePromise artifactSizePromise() {
  SizePromise p;
  p.headBytes = kHeaderBytes;
  p.promisedSize = [](std::string_view head) -> std::optional<uint64_t> {
    if (head.size() < kHeaderBytes || std::memcmp(head.data(), kMagic, 8))
      return std::nullopt;
    uint64_t version = getLE(head.data() + 8, 4);
    if (version == 0 || version > kArtifactFormatVersion)
      return std::nullopt;
    return getLE(head.data() + 16, 8);
  };
  return p;
}

Expected<ArtifactContents> mpt::rt::readArtifactFile(const std::string &path) {
  Expected<std::string> bytes = readFile(path, artifactSizePromise());
  if (bytes.failed())
    return bytes.status();
  return parseArtifact(*bytes, path);
}
