// Tests for l7_dns.cc: DNS names against matchName / matchPattern
// (cilium-semantics.md 6.1-6.5). The accept/reject tables restate the facts of
// Cilium's pkg/fqdn/matchpattern/matchpattern_test.go
// TestAnchoredMatchPatternMatching (written anew here, not copied).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "verifier/l7_dns_internal.h"
#include "verifier/l7_match.h"

namespace polc::verifier {
namespace {

constexpr ir::CiliumVersion k116{1, 16};
constexpr ir::CiliumVersion k118{1, 18};
constexpr ir::CiliumVersion k119{1, 19};
constexpr ir::CiliumVersion k120{1, 20};

ir::FqdnSelector Name(std::string name) {
  ir::FqdnSelector selector;
  selector.match_name = std::move(name);
  return selector;
}
ir::FqdnSelector Pattern(std::string pattern) {
  ir::FqdnSelector selector;
  selector.match_pattern = std::move(pattern);
  return selector;
}

struct PatternTable {
  const char* pattern;
  std::vector<const char*> accept;
  std::vector<const char*> reject;
};

void CheckTable(const std::vector<PatternTable>& table, const ir::CiliumVersion& version) {
  for (const auto& row : table) {
    for (const char* name : row.accept) {
      INFO("pattern " << row.pattern << " at " << version.ToString() << " should accept '" << name << "'");
      CHECK(internal::MatchPatternMatchesRaw(row.pattern, name, version));
    }
    for (const char* name : row.reject) {
      INFO("pattern " << row.pattern << " at " << version.ToString() << " should reject '" << name << "'");
      CHECK_FALSE(internal::MatchPatternMatchesRaw(row.pattern, name, version));
    }
  }
}

// Rows that hold in every supported version: exact names, `*` inside labels,
// `*` alone, the root, SRV-style underscores.
const std::vector<PatternTable>& CommonTable() {
  static const auto* table = new std::vector<PatternTable>{
      {"cilium.io.", {"cilium.io."}, {"", "anysub.cilium.io.", "anysub.ci.io.", "anysub.ciliumandmore.io."}},
      {"*.cilium.io.", {"anysub.cilium.io."}, {"", "cilium.io.", "anysub.ci.io.", "anysub.ciliumandmore.io."}},
      {"*.ci*.io.",
       {"anysub.cilium.io.", "anysub.ci.io.", "anysub.ciliumandmore.io."},
       {"", "ci.io", "cilium.io.", "service.namesace.svc.cluster.local."}},
      {"*",
       {".", "io.", "cilium.io.", "svc.cluster.local.", "service.namesace.svc.cluster.local.",
        "_foobar._tcp.cilium.io."},
       {"", ".io.", ".cilium.io.", ".svc.cluster.local.", "cilium.io"}},
      {".", {"."}, {"", ".io.", ".cilium.io"}},
      {"_foobar._tcp.cilium.io.", {"_foobar._tcp.cilium.io."}, {"", "_tcp.cilium.io.", "cilium.io."}},
      {"*.*.cilium.io.", {"_foobar._tcp.cilium.io."}, {""}},
  };
  return *table;
}

TEST_CASE("6.2/6.3: Cilium's anchored matchPattern table, every version", "[l7][dns]") {
  for (const auto& version : {k116, k118, k119, k120}) CheckTable(CommonTable(), version);
}

// 6.3/6.4 since 1.19: `**.` as a leading prefix is one or more whole labels,
// and `**`, `**.` are match-all. (Cilium's table also has rows with `**` in the
// middle of a pattern, e.g. `1.**.cilium.io.`; the reference (6.4) says `**.`
// is special only as a leading prefix, so those rows are not restated.)
TEST_CASE("6.4: `**.` prefix and `**` match-all since 1.19", "[l7][dns]") {
  const std::vector<PatternTable> table = {
      {"**.cilium.io.",
       {"anysub.cilium.io.", "_foobar._tcp.cilium.io.", "sub11.sub22.sub33._foobar._tcp.cilium.io."},
       {"", "cilium.io.", "anysub.ci.io.", "anysub.ciliumandmore.io.", "sub.cilium.io",
        "1._foobar_tcp.cilium.trio.", ".cilium.io.", "a..cilium.io."}},
      {"**.ci*.io.",
       {"anysub.cilium.io.", "anysub.ci.io.", "1.anysub.ciliumandmore.io.", "service.namesace.svc.ciuster.io."},
       {"", "cilium.io.", "service.namesace.svc..ciblaster.io."}},
      {"**.*.io.",
       {"anysub.cilium.io.", "anysub.ci.io.", "anysub.ciliumandmore.io.", "service.namesace.svc.ciuster.io."},
       {"", "io.", "..cilium.io.", "cilium.io.", "service..namesace.svc.cluster.io."}},
      {"**",
       {".", "io.", "cilium.io.", "svc.cluster.local.", "service.namesace.svc.cluster.local.",
        "_foobar._tcp.cilium.io."},
       {"", "..io.", "..cilium.io.", ".svc.cluster..local.", "cilium..io"}},
      {"**.",
       {"io.", "cilium.io.", "svc.cluster.local.", "service.namesace.svc.cluster.local.", "_foobar._tcp.cilium.io."},
       {"", ".cilium.io.", "..cilium.io.", ".svc.cluster..local.", "cilium.io"}},
  };
  for (const auto& version : {k119, k120}) CheckTable(table, version);
}

TEST_CASE("6.4: before 1.19 `**.x` behaves like `*.x` (one label)", "[l7][dns]") {
  for (const auto& version : {k116, k118}) {
    INFO(version.ToString());
    CHECK(FqdnMatches(Pattern("**.cilium.io"), "a.cilium.io", version));
    CHECK_FALSE(FqdnMatches(Pattern("**.cilium.io"), "a.b.cilium.io", version));
    CHECK_FALSE(FqdnMatches(Pattern("**.cilium.io"), "cilium.io", version));
  }
  CHECK(FqdnMatches(Pattern("**.cilium.io"), "a.b.cilium.io", k119));
  CHECK_FALSE(FqdnMatches(Pattern("**.cilium.io"), "cilium.io", k119));
}

TEST_CASE("6.3: match-all spellings per version", "[l7][dns]") {
  // `*` alone selects everything at every version.
  for (const auto& version : {k116, k118, k119, k120}) {
    CHECK(FqdnMatches(Pattern("*"), "a.b.example.com", version));
  }
  // Since 1.19 `**`, `***`, `*.` and `**.` are match-all too.
  for (const char* pattern : {"**", "***", "*.", "**."}) {
    INFO(pattern);
    CHECK(FqdnMatches(Pattern(pattern), "a.b.example.com", k119));
    CHECK(FqdnMatches(Pattern(pattern), "com", k119));
  }
  // In 1.18 `*.` is a single label (`[-a-zA-Z0-9_]*[.]`), and `**` (sanitised to
  // `**.`) is also a single label: neither matches a two-label name.
  for (const char* pattern : {"**", "***", "*.", "**."}) {
    INFO(pattern);
    CHECK_FALSE(FqdnMatches(Pattern(pattern), "a.example.com", k118));
    CHECK(FqdnMatches(Pattern(pattern), "com", k118));
  }
}

TEST_CASE("6.2: `*` never crosses a dot and may match nothing", "[l7][dns]") {
  CHECK(FqdnMatches(Pattern("*.example.com"), "a.example.com", k119));
  CHECK_FALSE(FqdnMatches(Pattern("*.example.com"), "example.com", k119));
  CHECK_FALSE(FqdnMatches(Pattern("*.example.com"), "a.b.example.com", k119));
  CHECK(FqdnMatches(Pattern("*example.com"), "example.com", k119));
  CHECK(FqdnMatches(Pattern("*example.com"), "subexample.com", k119));
  CHECK_FALSE(FqdnMatches(Pattern("*example.com"), "www.example.com", k119));
  CHECK(FqdnMatches(Pattern("sub*.x.io"), "sub.x.io", k119));
  CHECK(FqdnMatches(Pattern("sub*.x.io"), "subdomain.x.io", k119));
  CHECK_FALSE(FqdnMatches(Pattern("sub*.x.io"), "su.x.io", k119));
  // `.` is literal, not a regex wildcard.
  CHECK_FALSE(FqdnMatches(Pattern("a.example.com"), "abexample.com", k119));
}

TEST_CASE("6.1: names and patterns are lower-cased and get the final dot", "[l7][dns]") {
  CHECK(NormalizeDnsName("Example.COM") == "example.com.");
  CHECK(NormalizeDnsName("example.com.") == "example.com.");
  CHECK(NormalizeDnsName("") == "");
  for (const char* query : {"example.com", "example.com.", "EXAMPLE.COM", "Example.Com."}) {
    INFO(query);
    CHECK(FqdnMatches(Name("example.com"), query, k119));
    CHECK(FqdnMatches(Name("EXAMPLE.com."), query, k119));
    CHECK(FqdnMatches(Pattern("*.COM"), query, k119));
  }
  // Through normalisation the proxy's query gains the dot, so `*` accepts
  // "cilium.io" even though the raw table rejects it.
  CHECK(FqdnMatches(Pattern("*"), "cilium.io", k119));
  CHECK_FALSE(FqdnMatches(Pattern("*"), "", k119));
}

TEST_CASE("1.10/6.1: matchName is an exact match, no wildcards", "[l7][dns]") {
  CHECK_FALSE(FqdnMatches(Name("example.com"), "www.example.com", k119));
  CHECK_FALSE(FqdnMatches(Name("*.example.com"), "www.example.com", k119));
  CHECK(FqdnMatches(Name("*.example.com"), "*.example.com", k119));
  CHECK_FALSE(FqdnMatches(Name("example.com"), "", k119));
}

TEST_CASE("6.5: underscores are DNS characters (SRV names)", "[l7][dns]") {
  CHECK(FqdnMatches(Pattern("*.example.com"), "_sip.example.com", k118));
  CHECK(FqdnMatches(Name("_sip._tcp.example.com"), "_SIP._tcp.example.com", k118));
}

TEST_CASE("6: DNS rule lists are ORed; an empty list allows nothing", "[l7][dns]") {
  const std::vector<ir::FqdnSelector> rules = {Name("a.io"), Pattern("*.b.io")};
  CHECK(DnsAllowed(rules, "a.io", k119));
  CHECK(DnsAllowed(rules, "x.b.io", k119));
  CHECK_FALSE(DnsAllowed(rules, "b.io", k119));
  CHECK_FALSE(DnsAllowed({}, "a.io", k119));
  CHECK_FALSE(FqdnMatches(ir::FqdnSelector{}, "a.io", k119));
}

}  // namespace
}  // namespace polc::verifier
