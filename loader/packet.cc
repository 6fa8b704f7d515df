#include "loader/packet.h"

#include <arpa/inet.h>

#include <cstring>

namespace polc::loader {
namespace {

void Put16(std::vector<uint8_t>& out, uint16_t value) {
  out.push_back(static_cast<uint8_t>(value >> 8));
  out.push_back(static_cast<uint8_t>(value & 0xff));
}

void PutBytes(std::vector<uint8_t>& out, const uint8_t* bytes, size_t n) { out.insert(out.end(), bytes, bytes + n); }

uint16_t Ipv4Checksum(const uint8_t* header, size_t length) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < length; i += 2) sum += static_cast<uint32_t>(header[i] << 8 | header[i + 1]);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

std::vector<uint8_t> L4Header(const PacketSpec& spec) {
  std::vector<uint8_t> l4;
  switch (spec.protocol) {
    case 6:  // TCP: ports, seq, ack, offset 5 words, flags, window, checksum, urgent
      Put16(l4, spec.source_port);
      Put16(l4, spec.destination_port);
      l4.insert(l4.end(), {0, 0, 0, 1, 0, 0, 0, 0, 0x50, spec.tcp_flags, 0xff, 0xff, 0, 0, 0, 0});
      break;
    case 17:  // UDP: ports, length, checksum, 4 bytes of payload
      Put16(l4, spec.source_port);
      Put16(l4, spec.destination_port);
      Put16(l4, 12);
      l4.insert(l4.end(), {0, 0, 'p', 'o', 'l', 'c'});
      break;
    case 132:  // SCTP common header: ports, verification tag, checksum
      Put16(l4, spec.source_port);
      Put16(l4, spec.destination_port);
      l4.insert(l4.end(), {0, 0, 0, 1, 0, 0, 0, 0});
      break;
    case 1:
    case 58:  // ICMP / ICMPv6: type, code, checksum, identifier, sequence
      l4.insert(l4.end(), {spec.icmp_type, spec.icmp_code, 0, 0, 0x12, 0x34, 0, 1});
      break;
    default:
      l4.insert(l4.end(), {'p', 'o', 'l', 'c', 0, 0, 0, 0});
      break;
  }
  return l4;
}

}  // namespace

std::vector<uint8_t> BuildPacket(const PacketSpec& spec) {
  std::vector<uint8_t> out;
  const uint8_t kDestinationMac[6] = {0x02, 0, 0, 0, 0, 0x02};
  const uint8_t kSourceMac[6] = {0x02, 0, 0, 0, 0, 0x01};
  PutBytes(out, kDestinationMac, 6);
  PutBytes(out, kSourceMac, 6);
  Put16(out, spec.v6 ? 0x86dd : 0x0800);
  std::vector<uint8_t> l4 = L4Header(spec);
  if (spec.v6) {
    out.insert(out.end(), {0x60, 0, 0, 0});
    Put16(out, static_cast<uint16_t>(l4.size()));
    out.push_back(spec.protocol);
    out.push_back(64);
    PutBytes(out, spec.source.data(), 16);
    PutBytes(out, spec.destination.data(), 16);
  } else {
    size_t start = out.size();
    out.insert(out.end(), {0x45, 0});
    Put16(out, static_cast<uint16_t>(20 + l4.size()));
    out.insert(out.end(), {0, 1, 0x40, 0, 64, spec.protocol, 0, 0});  // id 1, don't fragment
    PutBytes(out, spec.source.data(), 4);
    PutBytes(out, spec.destination.data(), 4);
    uint16_t checksum = Ipv4Checksum(out.data() + start, 20);
    out[start + 10] = static_cast<uint8_t>(checksum >> 8);
    out[start + 11] = static_cast<uint8_t>(checksum & 0xff);
  }
  out.insert(out.end(), l4.begin(), l4.end());
  return out;
}

bool ParseAddress(const std::string& text, std::array<uint8_t, 16>& bytes, bool& v6) {
  bytes = {};
  if (inet_pton(AF_INET, text.c_str(), bytes.data()) == 1) {
    v6 = false;
    return true;
  }
  if (inet_pton(AF_INET6, text.c_str(), bytes.data()) == 1) {
    v6 = true;
    return true;
  }
  return false;
}

}  // namespace polc::loader
