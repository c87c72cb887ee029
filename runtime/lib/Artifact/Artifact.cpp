//===- Artifact.cpp - The mpt artifact file: reader and writer ------------===//

#include "mpt-runtime/Artifact.h"
#include "mpt-runtime/FileIO.h"

#include "LittleEndian.h"

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
    if (Status st = c.launchPlan->validate(c.manifest,
                                           c.deviceConstants.size());
        st.failed())
      return st;
  if (!c.nativeSharedObject.empty() &&
      c.nativeSharedObject.compare(0, 4, "\x7f"
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
    secs.push_back({SectionKind::NativeSharedObject,
                    contents.nativeSharedObject});
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

Expected<ArtifactContents> mpt::rt::parseArtifact(std::string_view bytes,
                                                  const std::string &name) {
  auto fail = [&](const std::string &why) {
    return Status::error(name + ": " + why);
  };
  if (bytes.size() < 8 || std::memcmp(bytes.data(), kMagic, 8) != 0)
    return fail("not an mpt artifact (bad magic; expected a file written by "
                "mpt-compile)");
  if (bytes.size() < kHeaderBytes)
    return fail("truncated artifact (" + std::to_string(bytes.size()) +
                " bytes, shorter than the header)");
  uint32_t version = static_cast<uint32_t>(getLE(bytes.data() + 8, 4));
  if (version > kArtifactFormatVersion)
    return fail("artifact format version " + std::to_string(version) +
                " is newer than this runtime supports (version " +
                std::to_string(kArtifactFormatVersion) +
                "); use an mpt-run from the same mpt as the mpt-compile that "
                "wrote it");
  if (version == 0)
    return fail("invalid artifact format version 0");
  uint32_t count = static_cast<uint32_t>(getLE(bytes.data() + 12, 4));
  uint64_t fileSize = getLE(bytes.data() + 16, 8);
  if (bytes.size() < fileSize)
    return fail("truncated artifact (" + std::to_string(bytes.size()) +
                " of " + std::to_string(fileSize) + " bytes)");
  if (bytes.size() > fileSize)
    return fail("corrupt artifact (" +
                std::to_string(bytes.size() - fileSize) +
                " unexpected bytes after the end)");
  if (fileSize < kHeaderBytes + kTrailerBytes ||
      count > (fileSize - kHeaderBytes) / kSectionEntryBytes)
    return fail("corrupt artifact (inconsistent header)");
  const char *trailer = bytes.data() + fileSize - kTrailerBytes;
  if (std::memcmp(trailer + 4, kEndMagic, 4) != 0)
    return fail("corrupt artifact (bad end marker)");
  uint32_t want = static_cast<uint32_t>(getLE(trailer, 4));
  uint32_t have = crc32(bytes.data(), fileSize - kTrailerBytes);
  if (want != have) {
    char buf[96];
    std::snprintf(buf, sizeof(buf),
                  "checksum mismatch (stored %08x, computed %08x)", want, have);
    return fail(std::string("corrupt artifact: ") + buf);
  }

  ArtifactContents out;
  bool haveManifest = false, havePlan = false, haveConstants = false;
  std::string manifestText, planText;
  uint64_t tableEnd = kHeaderBytes + uint64_t(count) * kSectionEntryBytes;
  for (uint32_t i = 0; i < count; ++i) {
    const char *e = bytes.data() + kHeaderBytes + i * kSectionEntryBytes;
    uint32_t kind = static_cast<uint32_t>(getLE(e, 4));
    uint32_t flags = static_cast<uint32_t>(getLE(e + 4, 4));
    uint64_t off = getLE(e + 8, 8), size = getLE(e + 16, 8);
    if (off < tableEnd || off > fileSize - kTrailerBytes ||
        size > fileSize - kTrailerBytes - off)
      return fail("corrupt artifact (section " + std::to_string(i) +
                  " lies outside the file)");
    std::string_view data = bytes.substr(off, size);
    auto once = [&](bool &seen) {
      if (seen)
        return false;
      seen = true;
      return true;
    };
    switch (kind) {
    case static_cast<uint32_t>(SectionKind::Manifest):
      if (!once(haveManifest))
        return fail("corrupt artifact (two signature tables)");
      manifestText.assign(data);
      break;
    case static_cast<uint32_t>(SectionKind::NativeSharedObject):
      if (!out.nativeSharedObject.empty())
        return fail("corrupt artifact (two native code sections)");
      out.nativeSharedObject.assign(data);
      break;
    case static_cast<uint32_t>(SectionKind::Ptx):
      if (!out.ptx.empty())
        return fail("corrupt artifact (two PTX sections)");
      out.ptx.assign(data);
      break;
    case static_cast<uint32_t>(SectionKind::LaunchPlan):
      if (!once(havePlan))
        return fail("corrupt artifact (two launch plans)");
      planText.assign(data);
      break;
    case static_cast<uint32_t>(SectionKind::DeviceConstants):
      if (!once(haveConstants))
        return fail("corrupt artifact (two device constant sections)");
      out.deviceConstants.assign(data);
      break;
    default:
      if (!(flags & kSectionOptional))
        return fail("section kind " + std::to_string(kind) +
                    " is not known to this runtime; update mpt");
    }
  }
  if (!haveManifest)
    return fail("corrupt artifact (no signature table)");
  Expected<Manifest> m = Manifest::fromJsonText(manifestText);
  if (m.failed())
    return fail(m.message());
  out.manifest = m.take();
  if (havePlan) {
    Expected<LaunchPlan> plan = LaunchPlan::fromJsonText(planText);
    if (plan.failed())
      return fail(plan.message());
    out.launchPlan = plan.take();
  }
  if (Status st = checkSections(out); st.failed())
    return fail(st.message());
  return out;
}

Expected<ArtifactContents> mpt::rt::readArtifactFile(const std::string &path) {
  Expected<std::string> bytes = readFile(path);
  if (bytes.failed())
    return bytes.status();
  return parseArtifact(*bytes, path);
}
