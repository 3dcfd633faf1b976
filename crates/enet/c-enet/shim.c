/* Test support for godot-udp-enet: a few flat functions over upstream C ENet, so the Rust side
 * declares no ENet struct layouts. Peers are named by their index in host->peers. */
#include <string.h>
#include <enet/enet.h>

int gu_enet_initialize(void) {
    static int done = 0;
    if (!done) {
        if (enet_initialize() != 0) return -1;
        done = 1;
    }
    return 0;
}

unsigned gu_enet_linked_version(void) { return enet_linked_version(); }

/* bind_ip NULL: no bind (enet_host_create with a NULL address). */
ENetHost *gu_host_create(const char *bind_ip, unsigned short port, size_t peers, size_t channels,
                         unsigned in_bw, unsigned out_bw) {
    ENetAddress address;
    if (bind_ip == NULL) return enet_host_create(NULL, peers, channels, in_bw, out_bw);
    memset(&address, 0, sizeof(address));
    if (enet_address_set_host_ip(&address, bind_ip) != 0) return NULL;
    address.port = port;
    return enet_host_create(&address, peers, channels, in_bw, out_bw);
}

void gu_host_destroy(ENetHost *host) { enet_host_destroy(host); }

int gu_host_port(ENetHost *host) {
    ENetAddress address;
    if (enet_socket_get_address(host->socket, &address) != 0) return -1;
    return address.port;
}

int gu_host_compress_with_range_coder(ENetHost *host) {
    return enet_host_compress_with_range_coder(host);
}

static int peer_index(ENetHost *host, ENetPeer *peer) {
    return peer == NULL ? -1 : (int)(peer - host->peers);
}

static ENetPeer *peer_at(ENetHost *host, int index) {
    if (index < 0 || (size_t)index >= host->peerCount) return NULL;
    return &host->peers[index];
}

int gu_host_connect(ENetHost *host, const char *ip, unsigned short port, size_t channels,
                    unsigned data) {
    ENetAddress address;
    memset(&address, 0, sizeof(address));
    if (enet_address_set_host_ip(&address, ip) != 0) return -1;
    address.port = port;
    return peer_index(host, enet_host_connect(host, &address, channels, data));
}

/* One enet_host_service call. Returns its result (<0 error, 0 none, >0 event); for an event,
 * fills the outputs; a received packet is copied into buf (cut at cap, *len is its full size)
 * and destroyed. */
int gu_host_service(ENetHost *host, unsigned timeout, int *type, int *peer, unsigned char *channel,
                    unsigned *data, unsigned *flags, unsigned char *buf, size_t cap, size_t *len) {
    ENetEvent event;
    int r = enet_host_service(host, &event, timeout);
    *type = 0;
    *len = 0;
    if (r <= 0) return r;
    *type = (int)event.type;
    *peer = peer_index(host, event.peer);
    *channel = event.channelID;
    *data = event.data;
    *flags = 0;
    if (event.type == ENET_EVENT_TYPE_RECEIVE && event.packet != NULL) {
        size_t n = event.packet->dataLength;
        *flags = event.packet->flags;
        *len = n;
        memcpy(buf, event.packet->data, n < cap ? n : cap);
        enet_packet_destroy(event.packet);
    }
    return r;
}

void gu_host_flush(ENetHost *host) { enet_host_flush(host); }

int gu_peer_send(ENetHost *host, int index, unsigned char channel, const unsigned char *data,
                 size_t len, unsigned flags) {
    ENetPeer *peer = peer_at(host, index);
    ENetPacket *packet;
    if (peer == NULL) return -1;
    packet = enet_packet_create(data, len, flags);
    if (packet == NULL) return -1;
    if (enet_peer_send(peer, channel, packet) != 0) {
        enet_packet_destroy(packet);
        return -1;
    }
    return 0;
}

/* how: 0 disconnect, 1 disconnect_later, 2 disconnect_now, 3 reset */
void gu_peer_disconnect(ENetHost *host, int index, unsigned data, int how) {
    ENetPeer *peer = peer_at(host, index);
    if (peer == NULL) return;
    switch (how) {
    case 0: enet_peer_disconnect(peer, data); break;
    case 1: enet_peer_disconnect_later(peer, data); break;
    case 2: enet_peer_disconnect_now(peer, data); break;
    default: enet_peer_reset(peer); break;
    }
}

int gu_peer_state(ENetHost *host, int index) {
    ENetPeer *peer = peer_at(host, index);
    return peer == NULL ? -1 : (int)peer->state;
}

unsigned gu_peer_rtt(ENetHost *host, int index) {
    ENetPeer *peer = peer_at(host, index);
    return peer == NULL ? 0 : peer->roundTripTime;
}

void gu_peer_timeout(ENetHost *host, int index, unsigned limit, unsigned minimum,
                     unsigned maximum) {
    ENetPeer *peer = peer_at(host, index);
    if (peer != NULL) enet_peer_timeout(peer, limit, minimum, maximum);
}
