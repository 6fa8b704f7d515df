// The BPF headers of codegen-bpf/bpf/ as strings, embedded at build time
// (codegen-bpf/embed_bpf_headers.cmake) so that the in-process compiler reads
// them from memory, never from the disk.
#pragma once

#include <string_view>
#include <vector>

namespace polc::codegen {

struct EmbeddedHeader {
  std::string_view name;  // "polc_maps.h", included as "polc_maps.h"
  std::string_view text;
};

const std::vector<EmbeddedHeader>& EmbeddedHeaders();

}  // namespace polc::codegen
