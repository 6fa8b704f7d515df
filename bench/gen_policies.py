#!/usr/bin/env python3
"""Generates a synthetic but realistic policy repository for benchmarking.

    bench/gen_policies.py N OUTDIR [--seed S]

Writes N policies under OUTDIR/<namespace>/ (about 60% CiliumNetworkPolicy,
10% CiliumClusterwideNetworkPolicy, 30% Kubernetes NetworkPolicy), mostly one
per file with some multi-document files, as a GitOps repository looks. The
policies use the features real ones do: namespaces, pod selectors with
Kubernetes-style labels, matchExpressions, CIDR sets with except, toPorts
with port ranges and named ports, L7 HTTP rules, FQDN rules with the DNS
proxy rule they need, entities, and deny rules. They are valid, so the run
measures the whole pipeline rather than an early error. The output is
deterministic for a given N and seed.
"""

import argparse
import os
import random
import re

TEAMS = ["payments", "checkout", "search", "catalog", "identity", "billing", "ads", "media", "infra", "data"]
ENVS = ["prod", "staging", "dev"]
APPS = ["api", "web", "worker", "db", "cache", "queue", "gateway", "auth", "frontend", "backend", "scheduler",
        "ingest", "exporter", "proxy", "indexer"]
TIERS = ["frontend", "backend", "data", "edge"]
NAMED_PORTS = ["http", "https", "grpc", "metrics", "dns"]
FQDNS = ["api.stripe.com", "*.googleapis.com", "sts.amazonaws.com", "*.s3.amazonaws.com", "github.com",
         "*.github.com", "hooks.slack.com", "api.datadoghq.com", "*.sentry.io", "registry.npmjs.org"]
ENTITIES = ["world", "cluster", "host", "kube-apiserver", "remote-node", "health"]
HTTP_PATHS = ["/api/v1/.*", "/healthz", "/metrics", "/v2/orders/[0-9]+", "/login", "/static/.*", "/graphql"]
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH"]

PLAIN = re.compile(r"^[A-Za-z_/][A-Za-z0-9_./-]*$")
YAML11_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}


def scalar(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if PLAIN.match(value) and value.lower() not in YAML11_WORDS:
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def emit(value, indent=0):
    """Block-style YAML, as people write policies (and kubectl prints them)."""
    pad = " " * indent
    lines = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{pad}{scalar(key)}:")
                lines.extend(emit(item, indent + 2 if isinstance(item, dict) else indent))
            elif isinstance(item, (dict, list)):
                lines.append(f"{pad}{scalar(key)}: {'{}' if isinstance(item, dict) else '[]'}")
            else:
                lines.append(f"{pad}{scalar(key)}: {scalar(item)}")
    else:
        for item in value:
            if isinstance(item, (dict, list)) and item:
                sub = emit(item, indent + 2)
                lines.append(f"{pad}- {sub[0].lstrip()}")
                lines.extend(sub[1:])
            elif isinstance(item, dict):
                lines.append(f"{pad}- {{}}")
            else:
                lines.append(f"{pad}- {scalar(item)}")
    return lines


class Generator:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.namespaces = [f"{team}-{env}" for team in TEAMS for env in ENVS]

    def labels(self, namespace=None, extra=0):
        r = self.r
        app = r.choice(APPS)
        out = {"app": app}
        if r.random() < 0.5:
            out["app.kubernetes.io/name"] = f"{app}-{r.randrange(20)}"
        if r.random() < 0.4:
            out["tier"] = r.choice(TIERS)
        for i in range(extra):
            out[f"team.example.com/label-{i}"] = f"v{r.randrange(5)}"
        if namespace:
            out["k8s:io.kubernetes.pod.namespace"] = namespace
        return out

    def selector(self, namespace=None):
        r = self.r
        sel = {"matchLabels": self.labels(namespace)}
        if r.random() < 0.25:
            sel["matchExpressions"] = [{
                "key": "version",
                "operator": r.choice(["In", "NotIn"]),
                "values": [f"v{i}" for i in range(1, r.randrange(2, 5))],
            }]
            if r.random() < 0.3:
                sel["matchExpressions"].append({"key": "canary", "operator": "DoesNotExist"})
        return sel

    def cidr(self):
        r = self.r
        a, b = r.choice([10, 172, 192]), r.randrange(256)
        if a == 10:
            return f"10.{b}.0.0/16", f"10.{b}.{r.randrange(256)}.0/24"
        if a == 172:
            return f"172.{16 + b % 16}.0.0/16", f"172.{16 + b % 16}.{r.randrange(256)}.0/28"
        return f"192.168.{b}.0/24", f"192.168.{b}.{r.randrange(16) * 16}/28"

    def ports(self, l7=False):
        r = self.r
        roll = r.random()
        if l7:
            entry = {"ports": [{"port": r.choice(["80", "8080", "8443"]), "protocol": "TCP"}],
                     "rules": {"http": [{"method": r.choice(METHODS), "path": r.choice(HTTP_PATHS)}
                                        for _ in range(r.randrange(1, 4))]}}
            if r.random() < 0.2:
                entry["rules"]["http"][0]["headers"] = ["X-Request-Source: internal"]
            return [entry]
        if roll < 0.15:
            return [{"ports": [{"port": r.choice(NAMED_PORTS[:4])}]}]
        if roll < 0.3:
            start = r.choice([8000, 9000, 30000])
            return [{"ports": [{"port": str(start), "endPort": start + r.randrange(10, 100), "protocol": "TCP"}]}]
        return [{"ports": [{"port": str(p), "protocol": r.choice(["TCP", "TCP", "UDP"])}
                           for p in r.sample([80, 443, 5432, 6379, 8080, 9090, 3306, 27017], r.randrange(1, 4))]}]

    def dns_egress(self):
        return {"toEndpoints": [{"matchLabels": {"k8s:io.kubernetes.pod.namespace": "kube-system",
                                                 "k8s-app": "kube-dns"}}],
                "toPorts": [{"ports": [{"port": "53", "protocol": "ANY"}],
                             "rules": {"dns": [{"matchPattern": "*"}]}}]}

    def cilium_rules(self, namespace, clusterwide):
        r = self.r
        spec = {"endpointSelector": self.selector() if r.random() > 0.05 else {}}
        ingress, egress = [], []
        for _ in range(r.randrange(1, 4)):
            roll = r.random()
            if roll < 0.5:
                rule = {"fromEndpoints": [self.selector(r.choice(self.namespaces) if r.random() < 0.3 else None)]}
                rule["toPorts"] = self.ports(l7=r.random() < 0.2)
            elif roll < 0.7:
                rule = {"fromEntities": r.sample(["cluster", "host", "remote-node", "health"], r.randrange(1, 3))}
            else:
                cidr, exception = self.cidr()
                rule = {"fromCIDRSet": [{"cidr": cidr, "except": [exception]}]}
                rule["toPorts"] = self.ports()
            ingress.append(rule)
        if r.random() < 0.7:
            egress.append(self.dns_egress())
            if r.random() < 0.5:
                egress.append({"toFQDNs": [{"matchName" if "*" not in f else "matchPattern": f}
                                           for f in r.sample(FQDNS, r.randrange(1, 4))],
                               "toPorts": [{"ports": [{"port": "443", "protocol": "TCP"}]}]})
            egress.append({"toEndpoints": [self.selector()], "toPorts": self.ports()})
            if r.random() < 0.3:
                egress.append({"toEntities": [r.choice(["world", "kube-apiserver", "cluster"])]})
        if ingress:
            spec["ingress"] = ingress
        if egress:
            spec["egress"] = egress
        if r.random() < 0.1:
            cidr, _ = self.cidr()
            spec["ingressDeny"] = [{"fromCIDR": [cidr]}]
        if r.random() < 0.05:
            spec["egressDeny"] = [{"toEntities": ["world"], "toPorts": [{"ports": [{"port": "25", "protocol": "TCP"}]}]}]
        if clusterwide and r.random() < 0.2:
            spec.pop("endpointSelector")
            spec["nodeSelector"] = {"matchLabels": {"node-role.kubernetes.io/worker": ""}}
            spec.pop("egress", None)
            for rule in spec["ingress"]:  # host policies take no L7 rules on ingress
                for entry in rule.get("toPorts", []):
                    entry.pop("rules", None)
        return spec

    def cilium_policy(self, i, namespace, clusterwide):
        meta = {"name": f"{'ccnp' if clusterwide else 'cnp'}-{i}"}
        if not clusterwide:
            meta["namespace"] = namespace
        if self.r.random() < 0.2:
            meta["labels"] = {"owner": namespace.split("-")[0]}
        doc = {"apiVersion": "cilium.io/v2",
               "kind": "CiliumClusterwideNetworkPolicy" if clusterwide else "CiliumNetworkPolicy",
               "metadata": meta}
        if self.r.random() < 0.1:
            doc["specs"] = [self.cilium_rules(namespace, clusterwide) for _ in range(2)]
        else:
            doc["spec"] = self.cilium_rules(namespace, clusterwide)
        return doc

    def network_policy(self, i, namespace):
        r = self.r
        spec = {"podSelector": {"matchLabels": self.labels()} if r.random() > 0.1 else {}}
        types = []
        if r.random() < 0.9:
            types.append("Ingress")
            peers = []
            for _ in range(r.randrange(1, 3)):
                roll = r.random()
                if roll < 0.5:
                    peers.append({"podSelector": {"matchLabels": self.labels()}})
                elif roll < 0.8:
                    peers.append({"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name":
                                                                        r.choice(self.namespaces)}},
                                  "podSelector": {"matchLabels": self.labels()}})
                else:
                    cidr, exception = self.cidr()
                    peers.append({"ipBlock": {"cidr": cidr, "except": [exception]}})
            port = r.choice([80, 443, 8080, 5432, "http"])
            entry = {"protocol": "TCP", "port": port}
            if isinstance(port, int) and r.random() < 0.2:
                entry["endPort"] = port + 10
            spec["ingress"] = [{"from": peers, "ports": [entry]}]
        if r.random() < 0.5:
            types.append("Egress")
            spec["egress"] = [{"to": [{"namespaceSelector": {}, "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
                               "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]}]
        spec["policyTypes"] = types or ["Ingress"]
        return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                "metadata": {"name": f"np-{i}", "namespace": namespace}, "spec": spec}

    def policy(self, i):
        namespace = self.r.choice(self.namespaces)
        roll = self.r.random()
        if roll < 0.6:
            return namespace, self.cilium_policy(i, namespace, clusterwide=False)
        if roll < 0.7:
            return "_clusterwide", self.cilium_policy(i, namespace, clusterwide=True)
        return namespace, self.network_policy(i, namespace)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("outdir")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    gen = Generator(args.seed)
    i = 0
    files = 0
    while i < args.count:
        folder, doc = gen.policy(i)
        # Most files hold one policy; about one in five holds three.
        group = 3 if gen.r.random() < 0.2 else 1
        docs = [doc]
        for _ in range(min(group, args.count - i) - 1):
            i += 1
            docs.append(gen.policy(i)[1])
        i += 1
        path = os.path.join(args.outdir, folder)
        os.makedirs(path, exist_ok=True)
        with open(os.path.join(path, f"{docs[0]['metadata']['name']}.yaml"), "w") as out:
            out.write("\n".join("---\n" + "\n".join(emit(d)) for d in docs) + "\n")
        files += 1
    print(f"wrote {args.count} policies in {files} files to {args.outdir}")


if __name__ == "__main__":
    main()
