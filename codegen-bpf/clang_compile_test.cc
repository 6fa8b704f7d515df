#include "codegen-bpf/clang_compile.h"

#include <catch2/catch.hpp>
#include <string>

namespace polc::codegen {
namespace {

constexpr const char* kProgram = R"(#include "polc_runtime.h"
#include "polc_maps.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct polc_endpoint_key);
	__type(value, struct polc_endpoint_value);
	__uint(max_entries, 16);
} polc_endpoints SEC(".maps");

SEC("tc")
int polc_egress(struct __sk_buff *skb)
{
	struct polc_endpoint_key key = {};
	return bpf_map_lookup_elem(&polc_endpoints, &key) ? TC_ACT_SHOT : TC_ACT_OK;
}

char _license[] SEC("license") = "Dual MIT/GPL";
)";

bool Contains(const std::vector<uint8_t>& bytes, const std::string& text) {
  return std::search(bytes.begin(), bytes.end(), text.begin(), text.end()) != bytes.end();
}

TEST_CASE("CompileBpf compiles BPF C in process into an ELF object", "[codegen]") {
  CompileResult result = CompileBpf(kProgram);
  INFO(result.diagnostics);
  REQUIRE(result.ok);
  REQUIRE(result.object.size() > 64);
  CHECK(result.object[0] == 0x7f);
  CHECK(result.object[1] == 'E');
  CHECK(result.object[18] == 247);  // e_machine EM_BPF
  CHECK(Contains(result.object, ".maps"));
  CHECK(Contains(result.object, ".BTF"));
  CHECK(Contains(result.object, "polc_egress"));
  CHECK(Contains(result.object, "polc_endpoints"));
  CHECK_FALSE(Contains(result.object, "clang version"));
}

TEST_CASE("CompileBpf is deterministic", "[codegen]") {
  CompileResult a = CompileBpf(kProgram);
  CompileResult b = CompileBpf(kProgram);
  REQUIRE(a.ok);
  CHECK(a.object == b.object);
}

TEST_CASE("CompileBpf returns the compiler's diagnostics", "[codegen]") {
  CompileResult result = CompileBpf("int f(void) { return undeclared; }\n");
  CHECK_FALSE(result.ok);
  CHECK(result.diagnostics.find("polc.bpf.c:1:22: error: use of undeclared identifier 'undeclared'") !=
        std::string::npos);
}

TEST_CASE("CompileBpf reads no system header", "[codegen]") {
  CompileResult result = CompileBpf("#include <stdint.h>\n");
  CHECK_FALSE(result.ok);
  CHECK(result.diagnostics.find("'stdint.h' file not found") != std::string::npos);
}

}  // namespace
}  // namespace polc::codegen
