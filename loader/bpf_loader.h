// Loads a polc object (codegen-bpf/ output) into the kernel with libbpf,
// fills its maps, runs its programs on packets with BPF_PROG_TEST_RUN
// (Katran's tester, conventions.md 5) and reads its verdict events. Attaching
// to interfaces (tc clsact) is the node loader's job and not here yet.
//
// The loader knows the map layouts only through the one shared header
// (codegen-bpf/bpf/polc_maps.h); map entries arrive as raw key/value bytes,
// as the manifest carries them, so it needs no codegen-bpf/ code and never
// links LLVM. Nothing here prints: libbpf's messages are captured and
// returned with the error they explain.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "codegen-bpf/bpf/polc_maps.h"

struct bpf_object;
struct ring_buffer;

namespace polc::loader {

// Why this process cannot load BPF programs (not root, no CAP_BPF, BPF
// disabled), or nullopt when it can. Probed by creating a one-entry map.
std::optional<std::string> BpfUnavailableReason();

struct MapEntry {
  std::vector<uint8_t> key;
  std::vector<uint8_t> value;
};

struct MapFill {
  std::string map;  // e.g. POLC_MAP_POLICY
  std::vector<MapEntry> entries;
};

struct LoadError {
  std::string message;       // what failed ("loading program polc_egress: Permission denied")
  std::string verifier_log;  // the kernel verifier's log and libbpf's messages, when any
};

struct TestRunResult {
  bool ok = false;     // the syscall succeeded
  int retval = -1;     // the program's return code (TC_ACT_OK / TC_ACT_SHOT)
  uint32_t duration_ns = 0;  // the kernel's average time per run
  std::string error;   // when !ok
};

class LoadedObject {
 public:
  // Opens `object` from memory and loads every program and map. On failure,
  // `error` says why, with the verifier log.
  static std::unique_ptr<LoadedObject> Load(std::span<const uint8_t> object, LoadError& error);
  ~LoadedObject();
  LoadedObject(const LoadedObject&) = delete;
  LoadedObject& operator=(const LoadedObject&) = delete;

  // Writes every entry into its map (BPF_ANY). False with `error` on the
  // first entry that fails (unknown map, wrong key or value size, full map).
  [[nodiscard]] bool Fill(const std::vector<MapFill>& fills, std::string& error);
  // Deletes every entry of `map` (e.g. the conntrack map between tests).
  [[nodiscard]] bool Clear(std::string_view map, std::string& error);
  // Deletes one entry; false when it was not there.
  bool Delete(std::string_view map, std::span<const uint8_t> key);
  // The number of entries of a hash or LPM map.
  size_t Count(std::string_view map);

  // Runs program `program` on `packet` (an Ethernet frame), `repeat`
  // times in the kernel (Katran's way of measuring ns per packet).
  TestRunResult Run(std::string_view program, std::span<const uint8_t> packet, int repeat = 1);
  // The verdict events written since the last call.
  std::vector<polc_event> TakeEvents();

  // The file descriptor of a loaded program (-1: none), e.g. to attach it;
  // owned by this object.
  int ProgramFd(std::string_view program) const;

  // The program and map names of the loaded object, in object order.
  std::vector<std::string> Programs() const;
  std::vector<std::string> Maps() const;

 private:
  LoadedObject() = default;
  int MapFd(std::string_view map) const;

  bpf_object* object_ = nullptr;
  ring_buffer* events_ = nullptr;
  std::vector<polc_event> pending_;
};

}  // namespace polc::loader
