#!/usr/bin/env python3
"""Generates a cluster inventory and a PolicyTest of many cases for the
policies of bench/gen_policies.py, to benchmark the reference evaluator and
`polc test`.

    bench/gen_flows.py CASES OUTDIR [--seed S] [--pods-per-namespace P]

Writes OUTDIR/inventory.yaml (Namespace, Node and Pod manifests: P pods in each
of gen_policies.py's 30 namespaces, labelled with the same label vocabulary so
that the policies' selectors match some of them, plus kube-dns in kube-system)
and OUTDIR/cases.yaml (one PolicyTest without spec.policies, so `polc test
POLICYDIR OUTDIR` evaluates it against the generated repository). Flows: 70%
pod to pod (TCP/UDP on the ports the policies use, some by container port
name, some with an HTTP request), 10% from world addresses into pods, 10% to
world addresses, 5% to FQDNs, 5% to the kube-apiserver. Every case expects `allow`; bench/eval_bench.sh rewrites
the expectations from a first run so the timed run passes. Deterministic for
given arguments.
"""

import argparse
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_policies as gp  # noqa: E402  (same vocabulary as the policies)

PORTS = [(80, "TCP"), (443, "TCP"), (5432, "TCP"), (6379, "TCP"), (8080, "TCP"), (9090, "TCP"), (3306, "TCP"),
         (53, "UDP"), (8443, "TCP"), (9005, "TCP")]
CONTAINER_PORTS = [{"name": "http", "containerPort": 8080}, {"name": "https", "containerPort": 8443},
                   {"name": "grpc", "containerPort": 9090}, {"name": "metrics", "containerPort": 9102}]
DNS = {"api.stripe.com": ["54.187.174.169"], "github.com": ["140.82.121.4"], "hooks.slack.com": ["34.226.36.49"],
       "storage.googleapis.com": ["142.250.74.123"], "example.org": ["93.184.216.34"]}
NODES = [(f"node-{i}", f"192.168.100.{i}") for i in range(1, 5)]
APISERVER = "192.168.100.250"


def pods(r, per_namespace):
    out = []
    gen = gp.Generator(0)
    for n_index, namespace in enumerate(gen.namespaces):
        for p in range(per_namespace):
            app = gp.APPS[p % len(gp.APPS)]
            labels = {"app": app, "app.kubernetes.io/name": f"{app}-{r.randrange(20)}",
                      "tier": r.choice(gp.TIERS), "version": f"v{r.randrange(1, 4)}"}
            out.append({"name": f"{app}-{p}", "namespace": namespace, "labels": labels,
                        "ip": f"10.{100 + n_index}.{p // 250}.{p % 250 + 1}", "node": NODES[p % len(NODES)][0]})
    out.append({"name": "coredns", "namespace": "kube-system", "labels": {"k8s-app": "kube-dns"},
                "ip": "10.96.0.10", "node": NODES[0][0]})
    return out


def inventory_docs(pod_list):
    docs = []
    for namespace in sorted({p["namespace"] for p in pod_list}):
        docs.append({"apiVersion": "v1", "kind": "Namespace",
                     "metadata": {"name": namespace, "labels": {"owner": namespace.split("-")[0]}}})
    for name, ip in NODES:
        docs.append({"apiVersion": "v1", "kind": "Node",
                     "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name,
                                                           "node-role.kubernetes.io/worker": ""}},
                     "status": {"addresses": [{"type": "InternalIP", "address": ip}]}})
    for p in pod_list:
        docs.append({"apiVersion": "v1", "kind": "Pod",
                     "metadata": {"name": p["name"], "namespace": p["namespace"], "labels": p["labels"]},
                     "spec": {"nodeName": p["node"], "serviceAccountName": p["labels"].get("app", "default"),
                              "containers": [{"name": "main", "image": "registry.example.com/app:1",
                                              "ports": CONTAINER_PORTS}]},
                     "status": {"podIP": p["ip"], "podIPs": [{"ip": p["ip"]}]}})
    return docs


def case(r, i, pod_list):
    src = r.choice(pod_list[:-1])
    roll = r.random()
    c = {"name": f"flow {i}", "from": {"endpoint": f"{src['namespace']}/{src['name']}"}}
    port, protocol = r.choice(PORTS)
    if roll < 0.1:
        # From outside the cluster into a pod: ingress default deny applies.
        c["from"] = {"ip": f"{r.choice([3, 45, 81, 203])}.{r.randrange(256)}.{r.randrange(256)}.{r.randrange(1, 255)}"}
        dst = r.choice(pod_list)
        c["to"] = {"endpoint": f"{dst['namespace']}/{dst['name']}"}
    elif roll < 0.8:
        dst = r.choice(pod_list)
        c["to"] = {"endpoint": f"{dst['namespace']}/{dst['name']}"}
        if r.random() < 0.1:
            named = r.choice(CONTAINER_PORTS)
            port, protocol = named["name"], "TCP"
    elif roll < 0.9:
        c["to"] = {"ip": f"{r.choice([1, 8, 52, 104])}.{r.randrange(256)}.{r.randrange(256)}.{r.randrange(1, 255)}"}
    elif roll < 0.95:
        c["to"] = {"fqdn": r.choice(sorted(DNS))}
        port, protocol = 443, "TCP"
    else:
        c["to"] = {"entity": "kube-apiserver"}
        port, protocol = 443, "TCP"
    c["protocol"] = protocol
    c["port"] = port
    if protocol == "TCP" and port in (80, 8080) and r.random() < 0.5:
        c["http"] = {"method": r.choice(gp.METHODS), "path": r.choice(["/api/v1/orders", "/healthz", "/metrics",
                                                                      "/v2/orders/42", "/login", "/static/app.js"])}
    c["expect"] = "allow"
    return c


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", type=int)
    parser.add_argument("outdir")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pods-per-namespace", type=int, default=15)
    args = parser.parse_args()
    r = random.Random(args.seed)
    pod_list = pods(r, args.pods_per_namespace)
    os.makedirs(args.outdir, exist_ok=True)
    with open(os.path.join(args.outdir, "inventory.yaml"), "w") as out:
        out.write("\n".join("---\n" + "\n".join(gp.emit(d)) for d in inventory_docs(pod_list)) + "\n")
    test = {"apiVersion": "polc.io/v1alpha1", "kind": "PolicyTest", "metadata": {"name": "bench"},
            "spec": {"inventory": {"kubeAPIServer": {"ips": [APISERVER]},
                                   "dns": [{"name": name, "ips": ips} for name, ips in sorted(DNS.items())]},
                     "cases": [case(r, i, pod_list) for i in range(args.cases)]}}
    with open(os.path.join(args.outdir, "cases.yaml"), "w") as out:
        out.write("\n".join(gp.emit(test)) + "\n")
    print(f"wrote {len(pod_list)} pods and {args.cases} cases to {args.outdir}")


if __name__ == "__main__":
    main()
