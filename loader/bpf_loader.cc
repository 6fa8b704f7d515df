#include "loader/bpf_loader.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <mutex>

namespace polc::loader {
namespace {

// libbpf prints through one process-wide callback; polc's libraries never
// print, so the messages go to the calling thread's buffer and come back
// with the error they explain.
thread_local std::string* libbpf_messages = nullptr;

int CaptureLibbpfMessage(enum libbpf_print_level level, const char* format, va_list args) {
  if (libbpf_messages == nullptr || level == LIBBPF_DEBUG) return 0;
  char line[1024];
  int n = std::vsnprintf(line, sizeof(line), format, args);
  if (n > 0) libbpf_messages->append(line, std::min(static_cast<size_t>(n), sizeof(line) - 1));
  return 0;
}

void InstallPrintCallback() {
  static std::once_flag once;
  std::call_once(once, [] { libbpf_set_print(CaptureLibbpfMessage); });
}

class CaptureMessages {
 public:
  explicit CaptureMessages(std::string& out) : previous_(libbpf_messages) {
    InstallPrintCallback();
    libbpf_messages = &out;
  }
  ~CaptureMessages() { libbpf_messages = previous_; }

 private:
  std::string* previous_;
};

std::string ErrnoText(int error) { return std::strerror(error < 0 ? -error : error); }

int CollectEvent(void* context, void* data, size_t size) {
  auto* events = static_cast<std::vector<polc_event>*>(context);
  if (size >= sizeof(polc_event)) {
    polc_event event;
    std::memcpy(&event, data, sizeof(event));
    events->push_back(event);
  }
  return 0;
}

constexpr size_t kVerifierLogSize = 1 << 22;

}  // namespace

std::optional<std::string> BpfUnavailableReason() {
  std::string messages;
  CaptureMessages capture(messages);
  int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "polc_probe", 4, 4, 1, nullptr);
  if (fd >= 0) {
    close(fd);
    return std::nullopt;
  }
  int error = errno;
  if (error == EPERM || error == EACCES)
    return "creating a BPF map is not permitted (" + ErrnoText(error) + "): run as root or with CAP_BPF";
  return "creating a BPF map failed: " + ErrnoText(error);
}

std::unique_ptr<LoadedObject> LoadedObject::Load(std::span<const uint8_t> object, LoadError& error) {
  std::string messages;
  CaptureMessages capture(messages);
  // Not LIBBPF_OPTS: its statement expression is not ISO C++.
  bpf_object_open_opts open_options{};
  open_options.sz = sizeof(open_options);
  open_options.object_name = "polc";
  bpf_object* opened = bpf_object__open_mem(object.data(), object.size(), &open_options);
  if (opened == nullptr) {
    error.message = "opening the object: " + ErrnoText(errno);
    error.verifier_log = messages;
    return nullptr;
  }
  std::unique_ptr<LoadedObject> loaded(new LoadedObject());
  loaded->object_ = opened;

  // One log buffer per program: libbpf loads without a log first and, when
  // the kernel rejects a program, loads it again with log level 1 into it.
  std::vector<std::string> logs;
  size_t programs = 0;
  bpf_program* program;
  bpf_object__for_each_program(program, opened) ++programs;
  logs.resize(programs);
  size_t index = 0;
  bpf_object__for_each_program(program, opened) {
    logs[index].assign(kVerifierLogSize, '\0');
    bpf_program__set_log_buf(program, logs[index].data(), logs[index].size());
    ++index;
  }
  int status = bpf_object__load(opened);
  if (status != 0) {
    error.message = "loading the object into the kernel: " + ErrnoText(status);
    index = 0;
    bpf_object__for_each_program(program, opened) {
      const char* log = logs[index++].c_str();
      if (*log != '\0') error.verifier_log += std::string("program ") + bpf_program__name(program) + ":\n" + log;
    }
    error.verifier_log += messages;
    return nullptr;
  }
  bpf_object__for_each_program(program, opened) bpf_program__set_log_buf(program, nullptr, 0);

  int events_fd = loaded->MapFd(POLC_MAP_EVENTS);
  if (events_fd >= 0) {
    loaded->events_ = ring_buffer__new(events_fd, CollectEvent, &loaded->pending_, nullptr);
    if (loaded->events_ == nullptr) {
      error.message = "opening the event ring buffer: " + ErrnoText(errno);
      error.verifier_log = messages;
      return nullptr;
    }
  }
  return loaded;
}

LoadedObject::~LoadedObject() {
  if (events_ != nullptr) ring_buffer__free(events_);
  if (object_ != nullptr) bpf_object__close(object_);
}

int LoadedObject::MapFd(std::string_view map) const {
  bpf_map* found = bpf_object__find_map_by_name(object_, std::string(map).c_str());
  return found == nullptr ? -1 : bpf_map__fd(found);
}

bool LoadedObject::Fill(const std::vector<MapFill>& fills, std::string& error) {
  for (const MapFill& fill : fills) {
    bpf_map* map = bpf_object__find_map_by_name(object_, fill.map.c_str());
    if (map == nullptr) {
      error = "the object has no map " + fill.map;
      return false;
    }
    for (const MapEntry& entry : fill.entries) {
      if (entry.key.size() != bpf_map__key_size(map) || entry.value.size() != bpf_map__value_size(map)) {
        error = "map " + fill.map + ": entry of " + std::to_string(entry.key.size()) + "/" +
                std::to_string(entry.value.size()) + " bytes, the map has " + std::to_string(bpf_map__key_size(map)) +
                "/" + std::to_string(bpf_map__value_size(map));
        return false;
      }
      if (bpf_map_update_elem(bpf_map__fd(map), entry.key.data(), entry.value.data(), BPF_ANY) != 0) {
        error = "map " + fill.map + ": update failed: " + ErrnoText(errno);
        return false;
      }
    }
  }
  return true;
}

bool LoadedObject::Clear(std::string_view map, std::string& error) {
  bpf_map* found = bpf_object__find_map_by_name(object_, std::string(map).c_str());
  if (found == nullptr) {
    error = "the object has no map " + std::string(map);
    return false;
  }
  std::vector<uint8_t> key(bpf_map__key_size(found));
  // Deleting the first key until none is left works for every map type,
  // LPM tries included, without a next-key walk over a changing map.
  while (bpf_map_get_next_key(bpf_map__fd(found), nullptr, key.data()) == 0) {
    if (bpf_map_delete_elem(bpf_map__fd(found), key.data()) != 0) {
      error = "map " + std::string(map) + ": delete failed: " + ErrnoText(errno);
      return false;
    }
  }
  return true;
}

bool LoadedObject::Delete(std::string_view map, std::span<const uint8_t> key) {
  int fd = MapFd(map);
  return fd >= 0 && bpf_map_delete_elem(fd, key.data()) == 0;
}

size_t LoadedObject::Count(std::string_view map) {
  bpf_map* found = bpf_object__find_map_by_name(object_, std::string(map).c_str());
  if (found == nullptr) return 0;
  std::vector<uint8_t> key(bpf_map__key_size(found));
  std::vector<uint8_t> next(key.size());
  size_t count = 0;
  const void* previous = nullptr;
  while (bpf_map_get_next_key(bpf_map__fd(found), previous, next.data()) == 0) {
    ++count;
    key = next;
    previous = key.data();
  }
  return count;
}

TestRunResult LoadedObject::Run(std::string_view program, std::span<const uint8_t> packet, int repeat) {
  TestRunResult result;
  bpf_program* found = bpf_object__find_program_by_name(object_, std::string(program).c_str());
  if (found == nullptr) {
    result.error = "the object has no program " + std::string(program);
    return result;
  }
  bpf_test_run_opts options{};
  options.sz = sizeof(options);
  options.data_in = packet.data();
  options.data_size_in = static_cast<uint32_t>(packet.size());
  options.repeat = repeat;
  if (bpf_prog_test_run_opts(bpf_program__fd(found), &options) != 0) {
    result.error = "BPF_PROG_TEST_RUN failed: " + ErrnoText(errno);
    return result;
  }
  result.ok = true;
  result.retval = static_cast<int>(options.retval);
  result.duration_ns = options.duration;
  return result;
}

int LoadedObject::ProgramFd(std::string_view program) const {
  bpf_program* found = bpf_object__find_program_by_name(object_, std::string(program).c_str());
  return found == nullptr ? -1 : bpf_program__fd(found);
}

std::vector<polc_event> LoadedObject::TakeEvents() {
  if (events_ != nullptr) ring_buffer__consume(events_);
  std::vector<polc_event> events;
  events.swap(pending_);
  return events;
}

std::vector<std::string> LoadedObject::Programs() const {
  std::vector<std::string> names;
  bpf_program* program;
  bpf_object__for_each_program(program, object_) names.emplace_back(bpf_program__name(program));
  return names;
}

std::vector<std::string> LoadedObject::Maps() const {
  std::vector<std::string> names;
  bpf_map* map;
  bpf_object__for_each_map(map, object_) names.emplace_back(bpf_map__name(map));
  return names;
}

}  // namespace polc::loader
