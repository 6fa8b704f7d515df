// The one-line peer syntax of `polc query` (issue 3 section 5; the peer table
// of policy-test-format.md).
#include "cli/peer_syntax.h"

#include <catch2/catch.hpp>

namespace polc::cli {
namespace {

ir::FlowPeer Parsed(std::string_view text) {
  auto result = ParsePeer(text);
  if (auto* error = std::get_if<PeerSyntaxError>(&result)) FAIL("unexpected error: " << error->message);
  return std::get<ir::FlowPeer>(result);
}

std::string ErrorOf(std::string_view text) {
  auto result = ParsePeer(text);
  if (std::holds_alternative<ir::FlowPeer>(result)) FAIL("expected an error for " << text);
  return std::get<PeerSyntaxError>(result).message;
}

TEST_CASE("peer syntax: every form of the peer table", "[peer-syntax]") {
  CHECK(Parsed("endpoint:shop/web") == ir::FlowPeer{ir::EndpointPeer{"shop", "web"}});
  CHECK(Parsed("shop/web") == ir::FlowPeer{ir::EndpointPeer{"shop", "web"}});
  CHECK(Parsed("ip:1.2.3.4") == ir::FlowPeer{ir::IpPeer{"1.2.3.4"}});
  CHECK(Parsed("ip:2001:db8::1") == ir::FlowPeer{ir::IpPeer{"2001:db8::1"}});
  CHECK(Parsed("entity:world") == ir::FlowPeer{ir::EntityPeer{"world"}});
  CHECK(Parsed("entity:kube-apiserver") == ir::FlowPeer{ir::EntityPeer{"kube-apiserver"}});
  CHECK(Parsed("node:n1") == ir::FlowPeer{ir::NodePeer{"n1"}});
  CHECK(Parsed("fqdn:one.one.one.one") == ir::FlowPeer{ir::FqdnPeer{"one.one.one.one"}});
  // A fully qualified name with its root dot is the same name.
  CHECK(Parsed("fqdn:one.one.one.one.") == ir::FlowPeer{ir::FqdnPeer{"one.one.one.one"}});
}

TEST_CASE("peer syntax: labels with prefixed keys and a service account", "[peer-syntax]") {
  ir::LabelsPeer expected;
  expected.namespace_ = "shop";
  expected.labels = {{"app", "web"}, {"app.kubernetes.io/name", "x"}};
  CHECK(Parsed("labels:shop/app=web,app.kubernetes.io/name=x") == ir::FlowPeer{expected});
  expected.service_account = "web-sa";
  CHECK(Parsed("labels:shop/app=web,app.kubernetes.io/name=x;sa=web-sa") == ir::FlowPeer{expected});
  ir::LabelsPeer empty;
  empty.namespace_ = "shop";
  CHECK(Parsed("labels:shop/") == ir::FlowPeer{empty});
}

TEST_CASE("peer syntax: errors name the accepted forms and suggest", "[peer-syntax]") {
  CHECK_THAT(ErrorOf("endpont:shop/web"), Catch::Contains("did you mean 'endpoint'?"));
  CHECK_THAT(ErrorOf("entity:wrold"), Catch::Contains("did you mean 'world'?"));
  CHECK_THAT(ErrorOf("entity:cluster"), Catch::Contains("unknown entity 'cluster'"));
  CHECK_THAT(ErrorOf("web"), Catch::Contains("endpoint:NS/NAME"));
  CHECK_THAT(ErrorOf("endpoint:web"), Catch::Contains("NAMESPACE/NAME"));
  CHECK_THAT(ErrorOf("shop/web/x"), Catch::Contains("NAMESPACE/NAME"));
  CHECK_THAT(ErrorOf("labels:app=web"), Catch::Contains("labels:NAMESPACE/KEY=VALUE"));
  CHECK_THAT(ErrorOf("labels:shop/app"), Catch::Contains("not KEY=VALUE"));
  CHECK_THAT(ErrorOf("labels:shop/a=1,a=2"), Catch::Contains("given twice"));
  CHECK_THAT(ErrorOf("labels:shop/a=1;account=x"), Catch::Contains("sa=SERVICE_ACCOUNT"));
  CHECK_THAT(ErrorOf("ip:"), Catch::Contains("needs a value"));
  CHECK_THAT(ErrorOf(""), Catch::Contains("empty peer"));
}

TEST_CASE("peer syntax: FormatPeer is the inverse of ParsePeer", "[peer-syntax]") {
  for (std::string_view text : {"endpoint:shop/web", "ip:10.0.0.1", "entity:host", "node:n1", "fqdn:example.com",
                                "labels:shop/app=web,tier=1", "labels:shop/app=web;sa=web-sa"}) {
    CHECK(FormatPeer(Parsed(text)) == text);
  }
}

}  // namespace
}  // namespace polc::cli
