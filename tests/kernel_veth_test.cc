// End to end (design-brief.md "Testing against the kernel"): two "pods" in
// network namespaces joined by a veth pair, the compiled programs attached
// to both ends with tc (each end's egress hook runs polc_egress, its
// ingress hook polc_ingress), and real TCP, UDP and ICMP traffic sent by a
// small Python helper. Checks allowed connections (with their replies
// passing through conntrack), default deny, and an unsolicited connection.
// Needs root, iproute2 and python3; skips without them unless CI=true.
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <thread>

#include "tests/kernel_test_util.h"
#include "tests/plan_fixtures.h"
#include "tests/test_util.h"

namespace polc::testing {
namespace {

constexpr const char* kHelper = R"(import socket, sys, struct, os
mode = sys.argv[1]
def checksum(b):
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff); s += s >> 16
    return ~s & 0xffff
try:
    if mode == 'tcp-serve':
        s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(('0.0.0.0', int(sys.argv[2]))); s.listen(4); s.settimeout(4)
        open(sys.argv[3], 'w').close()
        while True:
            c, _ = s.accept(); c.sendall(b'polc'); c.close()
    elif mode == 'tcp-connect':
        c = socket.create_connection((sys.argv[2], int(sys.argv[3])), timeout=1.5)
        print('ok' if c.recv(4) == b'polc' else 'bad')
    elif mode == 'udp-serve':
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('0.0.0.0', int(sys.argv[2]))); s.settimeout(4)
        open(sys.argv[3], 'w').close()
        while True:
            d, a = s.recvfrom(100); s.sendto(d, a)
    elif mode == 'udp-query':
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(1.5)
        s.sendto(b'polc', (sys.argv[2], int(sys.argv[3])))
        print('ok' if s.recvfrom(100)[0] == b'polc' else 'bad')
    elif mode == 'ping':
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP); s.settimeout(1.5)
        h = struct.pack('!BBHHH', 8, 0, 0, 0x1234, 1) + b'polc'
        h = h[:2] + struct.pack('!H', checksum(h)) + h[4:]
        s.sendto(h, (sys.argv[2], 0))
        while True:
            d = s.recv(200)
            if d[20] == 0 and d[24:26] == b'\x12\x34':
                print('ok'); break
except Exception as e:
    print('fail', type(e).__name__)
)";

class Topology {
 public:
  Topology() : suffix_(std::to_string(getpid())) {}
  ~Topology() {
    Run("ip netns del " + A() + " 2>/dev/null; ip netns del " + B() + " 2>/dev/null");
    if (!helper_.empty()) unlink(helper_.c_str());
  }
  std::string A() const { return "polc-a-" + suffix_; }
  std::string B() const { return "polc-b-" + suffix_; }
  std::string LinkA() const { return "pa" + suffix_; }
  std::string LinkB() const { return "pb" + suffix_; }
  static bool Run(const std::string& command) { return RunCommand(command + " >/dev/null 2>&1").exit_code == 0; }
  bool Create() {
    helper_ = "/tmp/polc-veth-helper-" + suffix_ + ".py";
    std::ofstream(helper_) << kHelper;
    return Run("ip netns add " + A()) && Run("ip netns add " + B()) &&
           Run("ip link add " + LinkA() + " netns " + A() + " type veth peer name " + LinkB() + " netns " + B()) &&
           Run("ip -n " + A() + " addr add 10.1.0.1/24 dev " + LinkA()) &&
           Run("ip -n " + B() + " addr add 10.1.0.2/24 dev " + LinkB()) &&
           Run("ip -n " + A() + " link set " + LinkA() + " up") && Run("ip -n " + B() + " link set " + LinkB() + " up") &&
           Run("ip -n " + A() + " link set lo up") && Run("ip -n " + B() + " link set lo up");
  }
  // Runs the helper in `ns`; its one line of output.
  std::string Helper(const std::string& ns, const std::string& args) const {
    std::string out = RunCommand("ip netns exec " + ns + " python3 " + helper_ + " " + args + " 2>&1").output;
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
  }
  // Starts a server in `ns` and waits until it listens.
  void Serve(const std::string& ns, const std::string& mode, int port) const {
    std::string ready = "/tmp/polc-veth-ready-" + suffix_ + "-" + std::to_string(port);
    unlink(ready.c_str());
    RunCommand("ip netns exec " + ns + " python3 " + helper_ + " " + mode + " " + std::to_string(port) + " " + ready +
               " >/dev/null 2>&1 &");
    for (int i = 0; i < 100 && access(ready.c_str(), F_OK) != 0; ++i) usleep(20000);
    unlink(ready.c_str());
  }

 private:
  std::string suffix_;
  std::string helper_;
};

// Attaches polc_egress to the egress hook and polc_ingress to the ingress
// hook of `link` inside `ns`, from a thread that enters the namespace (the
// attachment outlives the thread; the namespace's deletion removes it).
std::string Attach(loader::LoadedObject& object, const std::string& ns, const std::string& link) {
  std::string error;
  std::thread([&] {
    int fd = open(("/run/netns/" + ns).c_str(), O_RDONLY);
    if (fd < 0 || setns(fd, CLONE_NEWNET) != 0) {
      error = "cannot enter " + ns;
      if (fd >= 0) close(fd);
      return;
    }
    close(fd);
    int ifindex = static_cast<int>(if_nametoindex(link.c_str()));
    for (auto [point, program] : {std::pair{BPF_TC_EGRESS, "polc_egress"}, std::pair{BPF_TC_INGRESS, "polc_ingress"}}) {
      bpf_tc_hook hook{};
      hook.sz = sizeof(hook);
      hook.ifindex = ifindex;
      hook.attach_point = point;
      int created = bpf_tc_hook_create(&hook);
      if (created != 0 && created != -EEXIST) error = "creating the clsact qdisc failed";
      bpf_tc_opts opts{};
      opts.sz = sizeof(opts);
      opts.prog_fd = object.ProgramFd(program);
      if (bpf_tc_attach(&hook, &opts) != 0) error = std::string("attaching ") + program + " failed";
    }
  }).join();
  return error;
}

TEST_CASE("Pods in network namespaces: real TCP, UDP and ICMP through the attached programs", "[kernel][veth]") {
  if (!KERNEL_TESTS_CAN_RUN()) return;
  if (RunCommand("command -v ip python3 >/dev/null 2>&1").exit_code != 0) {
    if (InCi()) FAIL("the veth test needs iproute2 and python3");
    WARN("SKIPPED: the veth test needs iproute2 and python3");
    return;
  }
  // web (10.1.0.1) in A: egress and ingress enforced with default deny, so
  // replies to it pass only through conntrack; db (10.1.0.2) in B.
  ir::Plan plan = SmallPlan();
  plan.endpoints[0].ingress = {true, true};
  plan.entries = {
      {1, ir::Direction::kEgress, 257, 1, 8, 8, false, false, 6},
      {1, ir::Direction::kEgress, 257, 6, 5432, 5432, false, false, 2},
      {1, ir::Direction::kEgress, 257, 6, 5433, 5433, false, false, 2},
      {1, ir::Direction::kEgress, 257, 17, 53, 53, false, false, 3},
      {2, ir::Direction::kIngress, 256, 1, 8, 8, false, false, 6},
      {2, ir::Direction::kIngress, 256, 6, 5432, 5432, false, false, 1},
      {2, ir::Direction::kIngress, 256, 17, 53, 53, false, false, 3},
  };
  std::unique_ptr<loader::LoadedObject> object = LoadPlan(plan);
  Topology topology;
  REQUIRE(topology.Create());
  // Reachable before the programs are attached: the topology works.
  topology.Serve(topology.B(), "tcp-serve", 5433);
  CHECK(topology.Helper(topology.A(), "tcp-connect 10.1.0.2 5433") == "ok");
  REQUIRE(Attach(*object, topology.A(), topology.LinkA()).empty());
  REQUIRE(Attach(*object, topology.B(), topology.LinkB()).empty());

  topology.Serve(topology.B(), "tcp-serve", 5432);
  CHECK(topology.Helper(topology.A(), "tcp-connect 10.1.0.2 5432") == "ok");  // both sides allow; replies via CT
  CHECK(topology.Helper(topology.A(), "tcp-connect 10.1.0.2 5433") != "ok");  // web allows, db's default deny drops
  topology.Serve(topology.B(), "udp-serve", 53);
  CHECK(topology.Helper(topology.A(), "udp-query 10.1.0.2 53") == "ok");
  CHECK(topology.Helper(topology.A(), "ping 10.1.0.2") == "ok");
  topology.Serve(topology.A(), "tcp-serve", 8080);
  CHECK(topology.Helper(topology.B(), "tcp-connect 10.1.0.1 8080") != "ok");  // unsolicited: web's ingress drops
  std::vector<polc_event> events = object->TakeEvents();
  bool saw_drop = false;
  for (const polc_event& e : events) saw_drop = saw_drop || e.verdict == POLC_VERDICT_DROP;
  CHECK(saw_drop);
}

}  // namespace
}  // namespace polc::testing
