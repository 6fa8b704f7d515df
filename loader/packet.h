// Test packets for BPF_PROG_TEST_RUN (Katran's tester, conventions.md 5):
// an Ethernet frame with IPv4 or IPv6 and TCP, UDP, SCTP, ICMP or ICMPv6,
// or a bare IP header for any other protocol. Only the fields the datapath
// reads are meaningful; the IPv4 header checksum is correct, L4 checksums
// are zero (BPF_PROG_TEST_RUN checks none).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace polc::loader {

struct PacketSpec {
  bool v6 = false;
  std::array<uint8_t, 16> source{};       // IPv4 in the first 4 bytes
  std::array<uint8_t, 16> destination{};
  uint8_t protocol = 6;                   // 6 TCP, 17 UDP, 132 SCTP, 1 ICMP, 58 ICMPv6, other
  uint16_t source_port = 0;
  uint16_t destination_port = 0;
  uint8_t icmp_type = 0;
  uint8_t icmp_code = 0;
  uint8_t tcp_flags = 0x02;  // SYN
};

std::vector<uint8_t> BuildPacket(const PacketSpec& spec);

// "10.0.0.1" or "fd00::1" as 16 bytes (IPv4 in the first 4); false when
// `text` is neither.
bool ParseAddress(const std::string& text, std::array<uint8_t, 16>& bytes, bool& v6);

}  // namespace polc::loader
