#include "arch/x86/svm/insn_len.h"

namespace svm {
namespace {

// Immediate kinds of an opcode.
enum Imm : uint8_t { kNone, kIb, kIw, kIz, kIv, kIwIb, kMoffs, kFar, kGrp3 };

struct Op {
    bool modrm;
    Imm imm;
    bool invalid64; // #UD (or a different meaning) in 64-bit mode
};

Op one_byte(uint8_t b) {
    if (b < 0x40) {
        unsigned lo = b & 7;
        if (lo < 4)
            return {true, kNone, false};
        if (lo == 4)
            return {false, kIb, false};
        if (lo == 5)
            return {false, kIz, false};
        // 06/07/0e/16/17/1e/1f push/pop segment; 27/2f/37/3f BCD adjusts.
        return {false, kNone, true};
    }
    if (b < 0x60)
        return {false, kNone, false}; // inc/dec (32-bit), push/pop
    switch (b) {
    case 0x60:
    case 0x61:
        return {false, kNone, true};
    case 0x62:
        return {true, kNone, true}; // bound (EVEX in 64-bit: refused by the caller)
    case 0x63:
        return {true, kNone, false};
    case 0x68:
        return {false, kIz, false};
    case 0x69:
        return {true, kIz, false};
    case 0x6a:
        return {false, kIb, false};
    case 0x6b:
        return {true, kIb, false};
    case 0x80:
    case 0x83:
        return {true, kIb, false};
    case 0x81:
        return {true, kIz, false};
    case 0x82:
        return {true, kIb, true};
    case 0x9a:
        return {false, kFar, true};
    case 0xa0:
    case 0xa1:
    case 0xa2:
    case 0xa3:
        return {false, kMoffs, false};
    case 0xa8:
        return {false, kIb, false};
    case 0xa9:
        return {false, kIz, false};
    case 0xc0:
    case 0xc1:
        return {true, kIb, false};
    case 0xc2:
    case 0xca:
        return {false, kIw, false};
    case 0xc4:
    case 0xc5:
        return {true, kNone, true};
    case 0xc6:
        return {true, kIb, false};
    case 0xc7:
        return {true, kIz, false};
    case 0xc8:
        return {false, kIwIb, false};
    case 0xcd:
        return {false, kIb, false};
    case 0xd4:
    case 0xd5:
        return {false, kIb, true};
    case 0xea:
        return {false, kFar, true};
    case 0xe8:
    case 0xe9:
        return {false, kIz, false};
    case 0xf6:
    case 0xf7:
        return {true, kGrp3, false};
    default:
        break;
    }
    if (b >= 0x70 && b <= 0x7f)
        return {false, kIb, false};
    if (b >= 0x84 && b <= 0x8f)
        return {true, kNone, false};
    if (b >= 0xb0 && b <= 0xb7)
        return {false, kIb, false};
    if (b >= 0xb8 && b <= 0xbf)
        return {false, kIv, false};
    if ((b >= 0xd0 && b <= 0xd3) || (b >= 0xd8 && b <= 0xdf) || b == 0xfe || b == 0xff)
        return {true, kNone, false};
    if (b >= 0xe0 && b <= 0xe7)
        return {false, kIb, false};
    if (b == 0xeb)
        return {false, kIb, false};
    return {false, kNone, false};
}

Op two_byte(uint8_t b) {
    if (b <= 0x03 || b == 0x0d || (b >= 0x10 && b <= 0x23) || (b >= 0x28 && b <= 0x2f) ||
        (b >= 0x40 && b <= 0x6f) || (b >= 0x74 && b <= 0x76) || (b >= 0x78 && b <= 0x7f) ||
        (b >= 0x90 && b <= 0x9f) || b == 0xa3 || b == 0xa5 ||
        (b >= 0xab && b <= 0xb9 && b != 0xac) || (b >= 0xbb && b <= 0xc1) || b == 0xc3 ||
        b == 0xc7 || b >= 0xd0)
        return {true, kNone, false};
    if ((b >= 0x70 && b <= 0x73) || b == 0xa4 || b == 0xac || b == 0xba || b == 0xc2 ||
        (b >= 0xc4 && b <= 0xc6))
        return {true, kIb, false};
    if (b >= 0x80 && b <= 0x8f)
        return {false, kIz, false};
    return {false, kNone, false};
}

bool is_legacy_prefix(uint8_t b) {
    switch (b) {
    case 0x26:
    case 0x2e:
    case 0x36:
    case 0x3e:
    case 0x64:
    case 0x65:
    case 0x66:
    case 0x67:
    case 0xf0:
    case 0xf2:
    case 0xf3:
        return true;
    default:
        return false;
    }
}

} // namespace

bool decode_length(const uint8_t* bytes, size_t avail, CpuMode mode, InsnInfo* out) {
    if (avail > kMaxInsnLength)
        avail = kMaxInsnLength;
    size_t i = 0;
    bool opsize = false, adsize = false, rex_w = false;
    uint8_t rex = 0;
    uint8_t prefixes = 0;
    for (;; i++) {
        if (i >= avail)
            return false;
        uint8_t b = bytes[i];
        if (is_legacy_prefix(b)) {
            opsize |= b == 0x66;
            adsize |= b == 0x67;
            rex_w = false; // a REX before a legacy prefix is ignored
            rex = 0;
            prefixes++;
            continue;
        }
        if (mode == CpuMode::k64 && (b & 0xf0) == 0x40) {
            rex_w = b & 8;
            rex = b;
            prefixes++;
            continue;
        }
        break;
    }
    unsigned osz = mode == CpuMode::k16 ? 2 : 4;
    if (opsize)
        osz = osz == 2 ? 4 : 2;
    if (mode == CpuMode::k64 && rex_w)
        osz = 8;
    unsigned asz = mode == CpuMode::k64 ? 8 : mode == CpuMode::k32 ? 4 : 2;
    if (adsize)
        asz = asz == 8 ? 4 : asz == 4 ? 2 : 4;

    uint8_t map = 0, opcode = bytes[i++];
    Op op;
    if (opcode == 0x0f) {
        if (i >= avail)
            return false;
        opcode = bytes[i++];
        if (opcode == 0x38 || opcode == 0x3a) {
            map = opcode == 0x38 ? 2 : 3;
            if (i >= avail)
                return false;
            opcode = bytes[i++];
            op = {true, map == 3 ? kIb : kNone, false};
        } else {
            map = 1;
            if (opcode == 0x0f)
                return false; // 3DNow!
            op = two_byte(opcode);
        }
    } else {
        op = one_byte(opcode);
        if (mode == CpuMode::k64 && op.invalid64) {
            if (opcode == 0x62 || opcode == 0xc4 || opcode == 0xc5)
                return false; // EVEX / VEX
        } else if ((opcode == 0x62 || opcode == 0xc4 || opcode == 0xc5) && i < avail &&
                   (bytes[i] & 0xc0) == 0xc0) {
            return false; // VEX / EVEX outside 64-bit mode
        }
        if (opcode == 0x8f && i < avail && (bytes[i] & 0x38) != 0)
            return false; // XOP
    }

    uint8_t modrm = 0;
    if (op.modrm) {
        if (i >= avail)
            return false;
        modrm = bytes[i++];
        unsigned mod = modrm >> 6, rm = modrm & 7;
        if (mod != 3) {
            if (asz == 2) {
                if (mod == 1)
                    i += 1;
                else if (mod == 2 || (mod == 0 && rm == 6))
                    i += 2;
            } else {
                if (rm == 4) {
                    if (i >= avail)
                        return false;
                    uint8_t sib = bytes[i++];
                    if (mod == 0 && (sib & 7) == 5)
                        i += 4;
                }
                if (mod == 1)
                    i += 1;
                else if (mod == 2 || (mod == 0 && rm == 5))
                    i += 4;
            }
        }
    }

    unsigned iz = osz == 2 ? 2 : 4;
    switch (op.imm) {
    case kNone:
        break;
    case kIb:
        i += 1;
        break;
    case kIw:
        i += 2;
        break;
    case kIz:
        i += iz;
        break;
    case kIv:
        i += osz;
        break;
    case kIwIb:
        i += 3;
        break;
    case kMoffs:
        i += asz;
        break;
    case kFar:
        i += 2 + iz;
        break;
    case kGrp3:
        if (((modrm >> 3) & 7) < 2)
            i += opcode == 0xf6 ? 1 : iz;
        break;
    }
    if (i > avail)
        return false;
    out->length = static_cast<uint8_t>(i);
    out->map = map;
    out->opcode = opcode;
    out->has_modrm = op.modrm;
    out->modrm = modrm;
    out->prefix_count = prefixes;
    out->rex = rex;
    out->operand_size = static_cast<uint8_t>(osz);
    return true;
}

bool insn_is(const InsnInfo& d, ExitInsn which) {
    auto grp7 = [&](uint8_t modrm) { return d.map == 1 && d.opcode == 0x01 && d.modrm == modrm; };
    switch (which) {
    case ExitInsn::cpuid:
        return d.map == 1 && d.opcode == 0xa2;
    case ExitInsn::hlt:
        return d.map == 0 && d.opcode == 0xf4;
    case ExitInsn::rdmsr:
        return d.map == 1 && d.opcode == 0x32;
    case ExitInsn::wrmsr:
        return d.map == 1 && d.opcode == 0x30;
    case ExitInsn::rdpmc:
        return d.map == 1 && d.opcode == 0x33;
    case ExitInsn::invd:
        return d.map == 1 && d.opcode == 0x08;
    case ExitInsn::wbinvd:
        return d.map == 1 && d.opcode == 0x09;
    case ExitInsn::icebp:
        return d.map == 0 && d.opcode == 0xf1;
    case ExitInsn::pause:
        return d.map == 0 && d.opcode == 0x90;
    case ExitInsn::vmrun:
        return grp7(0xd8);
    case ExitInsn::vmmcall:
        return grp7(0xd9);
    case ExitInsn::vmload:
        return grp7(0xda);
    case ExitInsn::vmsave:
        return grp7(0xdb);
    case ExitInsn::stgi:
        return grp7(0xdc);
    case ExitInsn::clgi:
        return grp7(0xdd);
    case ExitInsn::skinit:
        return grp7(0xde);
    case ExitInsn::invlpga:
        return grp7(0xdf);
    case ExitInsn::xsetbv:
        return grp7(0xd1);
    case ExitInsn::rdtscp:
        return grp7(0xf9);
    case ExitInsn::monitor:
        return grp7(0xc8) || grp7(0xfa);
    case ExitInsn::mwait:
        return grp7(0xc9) || grp7(0xfb);
    }
    return false;
}

} // namespace svm
