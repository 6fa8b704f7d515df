#include "cli/peer_syntax.h"

#include <array>
#include <vector>

#include <fmt/format.h>

#include "compiler/suggest.h"

namespace polc::cli {
namespace {

constexpr const char* kForms =
    "endpoint:NS/NAME, NS/NAME, labels:NS/KEY=VALUE,...[;sa=ACCOUNT], node:NAME, entity:NAME, ip:ADDRESS or "
    "fqdn:NAME";

// The reserved identities a test peer may name (policy-test-format.md, "Peers").
constexpr std::array<std::string_view, 8> kEntities = {"host",   "remote-node", "world",   "kube-apiserver",
                                                       "health", "init",        "ingress", "unmanaged"};
constexpr std::array<std::string_view, 7> kKinds = {"endpoint", "labels", "node", "entity", "ip", "fqdn", "pod"};

PeerSyntaxError Error(std::string message) { return PeerSyntaxError{std::move(message)}; }

std::variant<ir::FlowPeer, PeerSyntaxError> ParseEndpoint(std::string_view value, std::string_view text) {
  size_t slash = value.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == value.size() ||
      value.find('/', slash + 1) != std::string_view::npos) {
    return Error(fmt::format("'{}': an endpoint is written NAMESPACE/NAME", text));
  }
  return ir::FlowPeer{ir::EndpointPeer{std::string(value.substr(0, slash)), std::string(value.substr(slash + 1))}};
}

// labels:NS/k=v,k2=v2[;sa=ACCOUNT]. Label keys may contain '/' (prefixes such
// as app.kubernetes.io/name), so the namespace is only the text before the
// first '/', and it is required.
std::variant<ir::FlowPeer, PeerSyntaxError> ParseLabels(std::string_view value, std::string_view text) {
  ir::LabelsPeer peer;
  size_t semicolon = value.find(';');
  if (semicolon != std::string_view::npos) {
    std::string_view option = value.substr(semicolon + 1);
    value = value.substr(0, semicolon);
    if (option.substr(0, 3) != "sa=" || option.size() == 3) {
      return Error(fmt::format("'{}': after ';' only sa=SERVICE_ACCOUNT is accepted", text));
    }
    peer.service_account = std::string(option.substr(3));
  }
  size_t slash = value.find('/');
  if (slash == std::string_view::npos || slash == 0 || value.substr(0, slash).find('=') != std::string_view::npos) {
    return Error(fmt::format("'{}': write labels:NAMESPACE/KEY=VALUE,KEY=VALUE", text));
  }
  peer.namespace_ = std::string(value.substr(0, slash));
  std::string_view rest = value.substr(slash + 1);
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view pair = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    size_t equals = pair.find('=');
    if (equals == std::string_view::npos || equals == 0) {
      return Error(fmt::format("'{}': label '{}' is not KEY=VALUE", text, pair));
    }
    std::string key(pair.substr(0, equals));
    if (peer.labels.count(key) != 0) return Error(fmt::format("'{}': label key '{}' is given twice", text, key));
    peer.labels[key] = std::string(pair.substr(equals + 1));
  }
  return ir::FlowPeer{std::move(peer)};
}

}  // namespace

std::variant<ir::FlowPeer, PeerSyntaxError> ParsePeer(std::string_view text) {
  if (text.empty()) return Error(fmt::format("empty peer; use {}", kForms));
  size_t colon = text.find(':');
  // An IPv6 address has colons but no kind: only "kind:" prefixes count.
  if (colon == std::string_view::npos) {
    if (text.find('/') != std::string_view::npos) return ParseEndpoint(text, text);
    return Error(fmt::format("'{}' is not a peer; use {}", text, kForms));
  }
  std::string_view kind = text.substr(0, colon);
  std::string_view value = text.substr(colon + 1);
  if (kind == "endpoint" || kind == "pod") return ParseEndpoint(value, text);
  if (kind == "labels") return ParseLabels(value, text);
  if (value.empty()) return Error(fmt::format("'{}': {} needs a value after ':'", text, kind));
  if (kind == "node") return ir::FlowPeer{ir::NodePeer{std::string(value)}};
  if (kind == "ip") return ir::FlowPeer{ir::IpPeer{std::string(value)}};
  if (kind == "fqdn") {
    std::string name(value);
    if (name.size() > 1 && name.back() == '.') name.pop_back();  // one.one.one.one. is the same name
    return ir::FlowPeer{ir::FqdnPeer{std::move(name)}};
  }
  if (kind == "entity") {
    for (std::string_view entity : kEntities) {
      if (value == entity) return ir::FlowPeer{ir::EntityPeer{std::string(value)}};
    }
    std::string message = fmt::format("'{}': unknown entity '{}'", text, value);
    if (auto suggestion = compiler::Suggest(value, kEntities)) message += fmt::format("; did you mean '{}'?", *suggestion);
    return Error(message + fmt::format(" (one of {})", fmt::join(kEntities, ", ")));
  }
  std::string message = fmt::format("'{}': unknown peer kind '{}'", text, kind);
  if (auto suggestion = compiler::Suggest(kind, kKinds)) message += fmt::format("; did you mean '{}'?", *suggestion);
  return Error(fmt::format("{}; use {}", message, kForms));
}

std::string FormatPeer(const ir::FlowPeer& peer) {
  struct Formatter {
    std::string operator()(const ir::EndpointPeer& p) const { return fmt::format("endpoint:{}/{}", p.namespace_, p.name); }
    std::string operator()(const ir::LabelsPeer& p) const {
      std::vector<std::string> pairs;
      for (const auto& [key, value] : p.labels) pairs.push_back(key + "=" + value);
      std::string text = fmt::format("labels:{}/{}", p.namespace_, fmt::join(pairs, ","));
      if (p.service_account != "default") text += ";sa=" + p.service_account;
      return text;
    }
    std::string operator()(const ir::NodePeer& p) const { return "node:" + p.name; }
    std::string operator()(const ir::EntityPeer& p) const { return "entity:" + p.name; }
    std::string operator()(const ir::IpPeer& p) const { return "ip:" + p.address; }
    std::string operator()(const ir::FqdnPeer& p) const { return "fqdn:" + p.name; }
  };
  return std::visit(Formatter{}, peer);
}

}  // namespace polc::cli
