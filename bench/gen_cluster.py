#!/usr/bin/env python3
"""Generates a synthetic cluster (inventory + policies) for the connectivity bench.

    bench/gen_cluster.py --workloads N --policies M --namespaces K --seed S --out DIR
                         [--cilium-percent P] [--change-percent C]

Writes a folder of YAML as a GitOps repository of a real cluster looks:

    DIR/cluster/namespaces.yaml          Namespace objects (team, env labels)
    DIR/cluster/kube-system.yaml         CoreDNS (the DNS every namespace allows)
    DIR/<namespace>/workloads.yaml       Deployments, StatefulSets, DaemonSets
    DIR/<namespace>/policies/*.yaml      NetworkPolicies (and CiliumNetworkPolicies)

Workloads carry realistic label sets (app, tier, team, version, env, and
app.kubernetes.io/name) and named container ports (http, grpc, metrics, and
postgres/redis/amqp for the data tier). The structure is that of a zero-trust
cluster, so that the connectivity map is far from all-pairs:

* most namespaces are default-deny in both directions; a few legacy ones
  deny ingress only;
* every namespace allows egress to CoreDNS (UDP/TCP 53) in kube-system;
* within a namespace the tiers call each other: edge -> frontend ->
  backend -> data, by named port, port number or port range (endPort),
  with podSelectors using matchLabels and matchExpressions (In, NotIn,
  Exists);
* a few cross-namespace rules: the monitoring namespace scrapes the
  `metrics` port everywhere, the ingress namespace reaches the frontends,
  some backends call a backend of another namespace of the same team
  (namespaceSelector + podSelector);
* some workloads reach external CIDRs: ipBlocks with excepts (the internet
  without the private ranges, partner ranges without a hole), on 443 or a
  port range;
* with --cilium-percent P, P% of the per-workload policies are written as
  CiliumNetworkPolicies instead (toCIDRSet with except, toPorts with endPort,
  toEntities kube-apiserver, matchExpressions).

M counts policies exactly: namespace baselines first, then per-workload
rules, then cross-namespace rules, round-robin until M are written. The
output is deterministic for the same arguments.
"""

import argparse
import ipaddress
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_policies import emit  # noqa: E402  (block-style YAML writer shared with the lint bench)

TEAMS = ["payments", "checkout", "search", "catalog", "identity", "billing", "ads", "media", "infra", "data",
         "growth", "risk", "ledger", "maps", "notify"]
ENVS = ["prod", "staging", "dev"]
# tier -> (app name stems, container ports (name, number, protocol), kinds)
TIERS = {
    "edge": (["gateway", "ingress-proxy", "bff"], [("http", 8080, "TCP"), ("https", 8443, "TCP")]),
    "frontend": (["web", "frontend", "ui", "portal"], [("http", 8080, "TCP")]),
    "backend": (["api", "worker", "auth", "orders", "pricing", "search-api", "scheduler"],
                [("http", 8080, "TCP"), ("grpc", 9090, "TCP")]),
    "data": (["postgres", "redis", "rabbitmq", "kafka", "elasticsearch"], []),
}
DATA_PORTS = {
    "postgres": [("postgres", 5432, "TCP")],
    "redis": [("redis", 6379, "TCP")],
    "rabbitmq": [("amqp", 5672, "TCP"), ("amqp-mgmt", 15672, "TCP")],
    "kafka": [("kafka", 9092, "TCP"), ("kafka-int", 9093, "TCP")],
    "elasticsearch": [("es-http", 9200, "TCP"), ("es-transport", 9300, "TCP")],
}
# Share of workloads per tier.
TIER_WEIGHTS = [("edge", 0.08), ("frontend", 0.22), ("backend", 0.45), ("data", 0.25)]
# Who calls whom inside a namespace.
CALLS = {"edge": ["frontend", "backend"], "frontend": ["backend"], "backend": ["data", "backend"]}
PRIVATE = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]
PARTNERS = ["52.94.0.0/16", "34.120.0.0/14", "151.101.0.0/16", "140.82.112.0/20", "3.5.0.0/16",
            "104.16.0.0/13", "185.199.108.0/22", "13.107.42.0/24"]
SYSTEM_NAMESPACES = ["monitoring", "ingress"]


class Cluster:
    def __init__(self, args):
        self.r = random.Random(args.seed)
        self.args = args
        self.namespaces = []  # dicts: name, team, env, legacy
        self.workloads = []  # dicts: name, namespace, tier, app, labels, ports, kind
        self.cilium_share = args.cilium_percent / 100.0

    # ---- inventory ---------------------------------------------------------
    def make_namespaces(self):
        r = self.r
        count = max(1, self.args.namespaces)
        for i in range(count):
            team = TEAMS[i % len(TEAMS)]
            env = ENVS[(i // len(TEAMS)) % len(ENVS)]
            serial = i // (len(TEAMS) * len(ENVS))
            name = f"{team}-{env}" + (f"-{serial}" if serial else "")
            # A few legacy namespaces only deny ingress (egress stays open).
            self.namespaces.append({"name": name, "team": team, "env": env, "legacy": r.random() < 0.08})
        for name in SYSTEM_NAMESPACES:
            self.namespaces.append({"name": name, "team": "platform", "env": "prod", "legacy": False})

    def make_workloads(self):
        r = self.r
        apps = [ns for ns in self.namespaces if ns["name"] not in SYSTEM_NAMESPACES]
        # The system namespaces get a handful of workloads of their own.
        self.workloads.append(self.workload("prometheus", "monitoring", "backend", "StatefulSet",
                                            [("web", 9090, "TCP")]))
        self.workloads.append(self.workload("node-exporter", "monitoring", "backend", "DaemonSet",
                                            [("metrics", 9100, "TCP")]))
        self.workloads.append(self.workload("ingress-nginx-controller", "ingress", "edge", "Deployment",
                                            [("http", 80, "TCP"), ("https", 443, "TCP")]))
        # CoreDNS in kube-system counts as one of the workloads.
        remaining = max(0, self.args.workloads - len(self.workloads) - 1)
        tiers = [t for t, _ in TIER_WEIGHTS]
        weights = [w for _, w in TIER_WEIGHTS]
        used = set()
        for i in range(remaining):
            ns = apps[i % len(apps)]
            tier = r.choices(tiers, weights)[0]
            stems, ports = TIERS[tier]
            stem = r.choice(stems)
            n = 0
            while (ns["name"], f"{stem}-{n}") in used:
                n += 1
            name = f"{stem}-{n}"
            used.add((ns["name"], name))
            if tier == "data":
                ports = DATA_PORTS[stem]
                kind = "StatefulSet"
            else:
                kind = "DaemonSet" if r.random() < 0.03 else "Deployment"
            ports = list(ports)
            if tier != "data" or r.random() < 0.5:
                ports.append(("metrics", 9100 if tier == "data" else 8081, "TCP"))
            self.workloads.append(self.workload(name, ns["name"], tier, kind, ports))

    def workload(self, name, namespace, tier, kind, ports):
        ns = next(n for n in self.namespaces if n["name"] == namespace)
        labels = {
            "app": name,
            "app.kubernetes.io/name": name.rsplit("-", 1)[0] if name[-1].isdigit() else name,
            "tier": tier,
            "team": ns["team"],
            "env": ns["env"],
            "version": self.r.choice(["v1", "v1", "v2", "v3"]),
        }
        if self.r.random() < 0.1:
            labels["track"] = "canary"
        return {"name": name, "namespace": namespace, "tier": tier, "labels": labels, "ports": ports, "kind": kind}

    def inventory_docs(self):
        yield "cluster/namespaces.yaml", [
            {"apiVersion": "v1", "kind": "Namespace",
             "metadata": {"name": ns["name"], "labels": {"team": ns["team"], "env": ns["env"]}}}
            for ns in self.namespaces] + [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "kube-system"}}]
        coredns = {"name": "coredns", "namespace": "kube-system", "kind": "Deployment",
                   "labels": {"k8s-app": "kube-dns"},
                   "ports": [("dns", 53, "UDP"), ("dns-tcp", 53, "TCP"), ("metrics", 9153, "TCP")]}
        yield "cluster/kube-system.yaml", [self.manifest(coredns)]
        by_ns = {}
        for w in self.workloads:
            by_ns.setdefault(w["namespace"], []).append(self.manifest(w))
        for ns, docs in by_ns.items():
            yield f"{ns}/workloads.yaml", docs

    @staticmethod
    def manifest(w):
        api = "apps/v1"
        spec = {
            "selector": {"matchLabels": {"app": w["labels"]["app"]} if "app" in w["labels"] else dict(w["labels"])},
            "template": {
                "metadata": {"labels": dict(w["labels"])},
                "spec": {"containers": [{
                    "name": "main",
                    "image": f"registry.example.com/{w['name']}:1.0",
                    "ports": [{"name": n, "containerPort": p, "protocol": proto} for n, p, proto in w["ports"]],
                }]},
            },
        }
        if w["kind"] == "Deployment":
            spec = {"replicas": 2, **spec}
        if w["kind"] == "StatefulSet":
            spec = {"serviceName": w["name"], "replicas": 3, **spec}
        return {"apiVersion": api, "kind": w["kind"], "metadata": {"name": w["name"], "namespace": w["namespace"]},
                "spec": spec}

    # ---- policies ------------------------------------------------------------
    def tier_selector(self, tiers):
        """A podSelector for the callers of some tiers: matchLabels or matchExpressions."""
        r = self.r
        if len(tiers) == 1 and r.random() < 0.6:
            return {"matchLabels": {"tier": tiers[0]}}
        exprs = [{"key": "tier", "operator": "In", "values": sorted(tiers)}]
        roll = r.random()
        if roll < 0.2:
            exprs.append({"key": "track", "operator": "NotIn", "values": ["canary"]})
        elif roll < 0.35:
            exprs.append({"key": "version", "operator": "Exists"})
        return {"matchExpressions": exprs}

    def port_spec(self, target, kubernetes=True):
        """Ports of the target as a policy names them: by name, number or range."""
        r = self.r
        ports = [p for p in target["ports"] if p[0] != "metrics"] or target["ports"]
        name, number, proto = r.choice(ports)
        roll = r.random()
        if roll < 0.45:
            return [{"protocol": proto, "port": name}]
        if roll < 0.8:
            return [{"protocol": proto, "port": number}]
        low = number - number % 100
        return [{"protocol": proto, "port": low, "endPort": low + 99}]

    def baseline(self, ns):
        """The policies every namespace starts from (name, doc) in order."""
        name = ns["name"]
        types = ["Ingress"] if ns["legacy"] else ["Ingress", "Egress"]
        out = [("default-deny", self.knp(name, "default-deny", {}, types, None, None))]
        if not ns["legacy"]:
            dns_peer = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                        "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}
            out.append(("allow-dns", self.knp(name, "allow-dns", {}, ["Egress"], None, [
                {"to": [dns_peer], "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]}])))
        if name not in SYSTEM_NAMESPACES:
            out.append(("allow-monitoring", self.knp(name, "allow-monitoring", {"matchExpressions": [
                {"key": "tier", "operator": "In", "values": ["frontend", "backend", "edge"]}]}, ["Ingress"], [
                {"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}},
                           "podSelector": {"matchLabels": {"app": "prometheus"}}}],
                 "ports": [{"protocol": "TCP", "port": "metrics"}]}], None)))
        if name == "monitoring":
            out.append(("prometheus-scrape", self.knp(name, "prometheus-scrape", {"matchLabels": {"app": "prometheus"}},
                                                      ["Egress"], None, [
                {"to": [{"namespaceSelector": {}, "podSelector": {"matchExpressions": [
                    {"key": "tier", "operator": "Exists"}]}}],
                 "ports": [{"protocol": "TCP", "port": "metrics"}]}])))
        if name == "ingress":
            controller = {"matchLabels": {"app": "ingress-nginx-controller"}}
            out.append(("controller-from-world", self.knp(name, "controller-from-world", controller, ["Ingress"], [
                {"from": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": list(PRIVATE)}}],
                 "ports": [{"protocol": "TCP", "port": 80}, {"protocol": "TCP", "port": 443}]}], None)))
            out.append(("controller-to-frontends", self.knp(name, "controller-to-frontends", controller, ["Egress"],
                                                            None, [
                {"to": [{"namespaceSelector": {"matchExpressions": [
                    {"key": "env", "operator": "In", "values": ["prod", "staging"]}]},
                         "podSelector": {"matchExpressions": [
                             {"key": "tier", "operator": "In", "values": ["edge", "frontend"]}]}}],
                 "ports": [{"protocol": "TCP", "port": "http"}]}])))
        return out

    @staticmethod
    def knp(namespace, name, selector, types, ingress, egress):
        spec = {"podSelector": selector, "policyTypes": types}
        if ingress is not None:
            spec["ingress"] = ingress
        if egress is not None:
            spec["egress"] = egress
        return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                "metadata": {"name": name, "namespace": namespace}, "spec": spec}

    def workload_policy(self, w):
        """One policy per workload, as most teams write them: ingress from its
        callers and the ingress controller, egress to one callee in its
        namespace, and for some backends egress to external CIDRs."""
        r = self.r
        ns = w["namespace"]
        app = w["labels"]["app"]
        cilium = r.random() < self.cilium_share
        callers = [t for t, callees in CALLS.items() if w["tier"] in callees] or ["frontend"]
        in_ports = self.port_spec(w)
        callees = CALLS.get(w["tier"])
        target = None
        if callees:
            targets = [x for x in self.by_ns[ns] if x["tier"] in callees and x is not w]
            target = r.choice(targets) if targets else None
        out_ports = self.port_spec(target) if target else None
        external = None
        if w["tier"] in ("backend", "edge") and r.random() < 0.35:
            if r.random() < 0.5:
                block = {"cidr": "0.0.0.0/0", "except": list(PRIVATE)}
                ports = [{"protocol": "TCP", "port": 443}]
            else:
                cidr = r.choice(PARTNERS)
                block = {"cidr": cidr}
                if r.random() < 0.4:
                    net = ipaddress.ip_network(cidr)
                    hole = 24 if net.prefixlen < 24 else net.prefixlen + 1
                    count = 1 << (hole - net.prefixlen)
                    sub = ipaddress.ip_network((int(net.network_address) + r.randrange(count) *
                                                (1 << (32 - hole)), hole))
                    block["except"] = [str(sub)]
                ports = [{"protocol": "TCP", "port": 8443, "endPort": 8449}] if r.random() < 0.3 else \
                    [{"protocol": "TCP", "port": 443}]
            external = (block, ports)
        if cilium:
            ingress = [{"fromEndpoints": [self.cnp_selector(callers)],
                        "toPorts": [{"ports": [self.cnp_port(p) for p in in_ports]}]}]
            egress = []
            if target:
                egress.append({"toEndpoints": [{"matchLabels": {"app": target["labels"]["app"]}}],
                               "toPorts": [{"ports": [self.cnp_port(p) for p in out_ports]}]})
            if external:
                egress.append({"toCIDRSet": [external[0]],
                               "toPorts": [{"ports": [self.cnp_port(p) for p in external[1]]}]})
                if r.random() < 0.3:
                    egress.append({"toEntities": ["kube-apiserver"],
                                   "toPorts": [{"ports": [{"port": "443", "protocol": "TCP"}]}]})
            return self.cnp(ns, f"{app}", app, ingress=ingress, egress=egress or None)
        frm = [{"podSelector": self.tier_selector(callers)}]
        if w["tier"] in ("edge", "frontend"):
            frm.append({"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress"}},
                        "podSelector": {"matchLabels": {"app.kubernetes.io/name": "ingress-nginx-controller"}}})
        egress = []
        if target:
            if r.random() < 0.5:
                to = [{"podSelector": {"matchLabels": {"app": target["labels"]["app"]}}}]
            else:
                to = [{"podSelector": self.tier_selector(callees)}]
            egress.append({"to": to, "ports": out_ports})
        if external:
            egress.append({"to": [{"ipBlock": external[0]}], "ports": external[1]})
        types = ["Ingress", "Egress"] if egress else ["Ingress"]
        return self.knp(ns, f"{app}", {"matchLabels": {"app": app}}, types, [{"from": frm, "ports": in_ports}],
                        egress or None)

    def cross_namespace(self, w, index):
        """Backends calling a backend of another namespace of the same team."""
        r = self.r
        ns = next(n for n in self.namespaces if n["name"] == w["namespace"])
        others = [n for n in self.namespaces if n["team"] == ns["team"] and n["name"] != ns["name"]] or \
            [n for n in self.namespaces if n["name"] not in SYSTEM_NAMESPACES]
        src = r.choice(others)
        app = w["labels"]["app"]
        return self.knp(w["namespace"], f"{app}-from-{src['name']}-{index}", {"matchLabels": {"app": app}},
                        ["Ingress"], [{
                            "from": [{"namespaceSelector": {"matchLabels": {"team": src["team"],
                                                                            "env": src["env"]}},
                                      "podSelector": {"matchExpressions": [
                                          {"key": "tier", "operator": "In", "values": ["backend"]},
                                          {"key": "app", "operator": "NotIn", "values": ["scheduler-0"]}]}}],
                            "ports": self.port_spec(w)}], None)

    def cnp_selector(self, tiers):
        if len(tiers) == 1:
            return {"matchLabels": {"tier": tiers[0]}}
        return {"matchExpressions": [{"key": "tier", "operator": "In", "values": sorted(tiers)}]}

    @staticmethod
    def cnp_port(p):
        out = {"port": str(p["port"]), "protocol": p["protocol"]}
        if "endPort" in p:
            out["endPort"] = p["endPort"]
        return out

    @staticmethod
    def cnp(namespace, name, app, ingress=None, egress=None):
        spec = {"endpointSelector": {"matchLabels": {"app": app}}}
        if ingress is not None:
            spec["ingress"] = ingress
        if egress is not None:
            spec["egress"] = egress
        return {"apiVersion": "cilium.io/v2", "kind": "CiliumNetworkPolicy",
                "metadata": {"name": name, "namespace": namespace}, "spec": spec}

    def policies(self):
        """Yields (namespace, name, doc) until --policies are written."""
        limit = self.args.policies
        count = 0
        self.by_ns = {}
        for w in self.workloads:
            self.by_ns.setdefault(w["namespace"], []).append(w)
        for ns in self.namespaces:
            for name, doc in self.baseline(ns):
                if count >= limit:
                    return
                yield ns["name"], name, doc
                count += 1
        apps = [w for w in self.workloads if w["namespace"] not in SYSTEM_NAMESPACES]
        if not apps:
            return
        # Every workload gets its own policy, then backends get cross-namespace rules.
        plan = [w for w in apps]
        backends = [w for w in apps if w["tier"] == "backend"] or apps
        names = set()
        index = 0
        while count < limit:
            if index < len(plan):
                doc = self.workload_policy(plan[index])
            else:
                w = backends[(index - len(plan)) % len(backends)]
                doc = self.cross_namespace(w, index)
            index += 1
            key = (doc["metadata"]["namespace"], doc["metadata"]["name"])
            if key in names:
                continue
            names.add(key)
            yield key[0], key[1], doc
            count += 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", type=int, required=True)
    parser.add_argument("--policies", type=int, required=True)
    parser.add_argument("--namespaces", type=int, default=0, help="default: one per 50 workloads")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cilium-percent", type=float, default=0.0,
                        help="share of per-workload policies written as CiliumNetworkPolicy")
    parser.add_argument("--change-percent", type=float, default=0.0,
                        help="change this share of the policies (delete, move a port, widen peers): the NEW side "
                             "of a diff; same seed, otherwise identical output")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    if args.namespaces <= 0:
        args.namespaces = max(1, args.workloads // 50)
    cluster = Cluster(args)
    cluster.make_namespaces()
    cluster.make_workloads()
    files = 0
    for path, docs in cluster.inventory_docs():
        write(os.path.join(args.out, path), docs)
        files += 1
    policies = 0
    # --change-percent draws from its own generator, so the cluster and every
    # unchanged policy are byte-identical to the run without it.
    change = random.Random(args.seed * 7919 + 1)
    changed = 0
    for namespace, name, doc in cluster.policies():
        if args.change_percent > 0 and change.random() * 100 < args.change_percent:
            doc = mutate(doc, change)
            changed += 1
            if doc is None:
                continue
        write(os.path.join(args.out, namespace, "policies", f"{name}.yaml"), [doc])
        files += 1
        policies += 1
    print(f"wrote {len(cluster.workloads) + 1} workloads in {len(cluster.namespaces) + 1} namespaces and "
          f"{policies} policies ({files} files, {changed} changed) to {args.out}")


def mutate(doc, r):
    """A change a pull request makes: delete the policy (a third of the time),
    move its first rule to another port, or widen its first rule's peers to a
    whole team's namespaces. Returns None for a deletion."""
    roll = r.random()
    if roll < 1 / 3:
        return None
    spec = doc["spec"]
    rules = spec.get("ingress") or spec.get("egress")
    if not rules:
        return None
    rule = rules[0]
    if roll < 2 / 3:
        if doc["kind"] == "NetworkPolicy":
            rule["ports"] = [{"protocol": "TCP", "port": r.choice([80, 8080, 8443, 9000])}]
        else:
            rule["toPorts"] = [{"ports": [{"port": str(r.choice([80, 8080, 8443, 9000])), "protocol": "TCP"}]}]
        return doc
    team = r.choice(TEAMS)
    if doc["kind"] == "NetworkPolicy":
        key = "from" if "from" in rule else "to"
        if key in rule:
            rule[key] = rule[key] + [{"namespaceSelector": {"matchLabels": {"team": team}}}]
    else:
        key = "fromEndpoints" if "fromEndpoints" in rule else "toEndpoints"
        if key in rule:
            rule[key] = rule[key] + [{"matchLabels": {"k8s:io.cilium.k8s.namespace.labels.team": team}}]
    return doc


def write(path, docs):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as out:
        out.write("\n".join("---\n" + "\n".join(emit(d)) for d in docs) + "\n")


if __name__ == "__main__":
    main()
