// Cross-check of xenon's Xen ABI headers (hypervisor/include/public/) against Xen 4.17's
// own public headers from Debian's libxen-dev.
//
// abi/abi_entries.inc lists the facts: hypercall and sub-op numbers, errno values, flags,
// domain ids, interface versions, and for every structure its size, alignment and each
// field's offset and size. abi/xenon_side.cpp and abi/xen417_side.cpp evaluate that list
// against each header set in separate translation units (the two cannot share one); the
// tests here compare the resulting tables name by name, and scan Xen's headers so that a
// constant Xen defines and the list forgot is reported too.
#include <gtest/gtest.h>

#include <ctype.h>
#include <string.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "abi/abi_table.h"

namespace {

using abi_check::Entry;
using abi_check::Table;

std::map<std::string, int64_t> to_map(const Table& t, std::vector<std::string>* dups) {
    std::map<std::string, int64_t> m;
    for (size_t i = 0; i < t.count; i++)
        if (!m.emplace(t.entries[i].name, t.entries[i].value).second && dups)
            dups->push_back(t.entries[i].name);
    return m;
}

// Every difference between the two tables, one line each, naming the fact.
std::vector<std::string> compare(const Table& ours, const Table& theirs) {
    std::vector<std::string> problems;
    std::vector<std::string> dups;
    auto o = to_map(ours, &dups);
    auto t = to_map(theirs, &dups);
    for (const auto& d : dups)
        problems.push_back(d + ": listed twice");
    for (const auto& [name, value] : t) {
        auto it = o.find(name);
        if (it == o.end())
            problems.push_back(name + ": missing from xenon");
        else if (it->second != value)
            problems.push_back(name + ": xenon has " + std::to_string(it->second) +
                               ", Xen 4.17 has " + std::to_string(value));
    }
    for (const auto& [name, value] : o)
        if (!t.count(name))
            problems.push_back(name + ": missing from Xen 4.17");
    return problems;
}

std::string join(const std::vector<std::string>& lines) {
    std::string s;
    for (const auto& l : lines)
        s += "  " + l + "\n";
    return s;
}

TEST(AbiCheck, ComparisonReportsEveryKindOfMismatchByName) {
    const Entry ours[] = {
        {"SAME", 1}, {"DIFFERENT", 2}, {"ONLY_OURS", 3}, {"TWICE", 4}, {"TWICE", 4}};
    const Entry theirs[] = {{"SAME", 1}, {"DIFFERENT", 5}, {"ONLY_THEIRS", 6}, {"TWICE", 4}};
    auto problems = compare({ours, 5}, {theirs, 4});
    std::set<std::string> got(problems.begin(), problems.end());
    EXPECT_EQ(got, (std::set<std::string>{
                       "DIFFERENT: xenon has 2, Xen 4.17 has 5", "ONLY_OURS: missing from Xen 4.17",
                       "ONLY_THEIRS: missing from xenon", "TWICE: listed twice"}));
}

TEST(AbiCheck, EveryListedFactMatchesXen417) {
    Table ours = abi_check::xenon_table();
    Table theirs = abi_check::xen417_table();
    ASSERT_GT(ours.count, 1000u); // the list is long; a tiny one means a broken build
    EXPECT_EQ(ours.count, theirs.count);
    auto problems = compare(ours, theirs);
    EXPECT_TRUE(problems.empty()) << problems.size() << " ABI mismatches:\n" << join(problems);
}

TEST(AbiCheck, EveryXenErrnoIsInXenonWithTheSameValue) {
    auto ours = to_map(abi_check::xenon_table(), nullptr);
    Table xen = abi_check::xen417_errno_table();
    ASSERT_GT(xen.count, 40u);
    for (size_t i = 0; i < xen.count; i++) {
        auto it = ours.find(xen.entries[i].name);
        if (it == ours.end())
            ADD_FAILURE() << xen.entries[i].name << ": Xen errno missing from xenon";
        else
            EXPECT_EQ(it->second, xen.entries[i].value) << xen.entries[i].name;
    }
}

// ---------------------------------------------------------------------------------------
// Completeness: the object-like macros of the scanned Xen headers must all be in the
// list, except the ones excused below with a reason.

bool starts(const std::string& s, const char* prefix) {
    return s.rfind(prefix, 0) == 0;
}

// Xen names a command in lower case after its prefix (XEN_DOMCTL_createdomain), a flag or
// limit in upper case (XEN_DOMCTL_CDF_hvm).
bool command_after(const std::string& s, const char* prefix) {
    size_t n = strlen(prefix);
    return starts(s, prefix) && s.size() > n && islower(static_cast<unsigned char>(s[n]));
}

bool everything(const std::string&) {
    return true;
}

// Toolstack-only memory sharing, paging and access sub-ops are not modelled.
bool memory_wanted(const std::string& s) {
    for (const char* p : {"XENMEM_paging_op_", "XENMEM_access_op_", "XENMEM_sharing_op_",
                          "XENMEM_SHARING_", "XENMEM_FORK_"})
        if (starts(s, p))
            return false;
    return true;
}

// platform, domctl and sysctl: command numbers, versions and the flags modelled so far.
bool platform_wanted(const std::string& s) {
    return command_after(s, "XENPF_") || s == "XENPF_INTERFACE_VERSION" || starts(s, "XEN_FW_");
}

bool domctl_wanted(const std::string& s) {
    return command_after(s, "XEN_DOMCTL_") || s == "XEN_DOMCTL_INTERFACE_VERSION" ||
           starts(s, "XEN_DOMCTL_CDF_") || starts(s, "XEN_DOMCTL_IOMMU_") ||
           starts(s, "XEN_DOMCTL_GRANT_") || starts(s, "XEN_DOMINF_") ||
           starts(s, "XEN_SCHEDULER_") || s == "XEN_INVALID_MAX_VCPU_ID";
}

bool sysctl_wanted(const std::string& s) {
    return command_after(s, "XEN_SYSCTL_") || s == "XEN_SYSCTL_INTERFACE_VERSION" ||
           starts(s, "XEN_SYSCTL_PHYSCAP_");
}

// HVM: the Viridian (Hyper-V) feature bits are not modelled; of hvm_op.h, the sub-op
// numbers, without altp2m's own sub-ops.
bool params_wanted(const std::string& s) {
    return !starts(s, "HVMPV_") && !starts(s, "_HVMPV_");
}

bool hvm_op_wanted(const std::string& s) {
    return command_after(s, "HVMOP_") && !starts(s, "HVMOP_altp2m_");
}

struct Scanned {
    const char* file; // relative to the Xen include directory
    bool (*wanted)(const std::string& name);
};

const Scanned kScanned[] = {
    {"xen.h", everything},
    {"arch-x86/xen.h", everything},
    {"arch-x86/xen-x86_64.h", everything},
    {"event_channel.h", everything},
    {"grant_table.h", everything},
    {"sched.h", everything},
    {"callback.h", everything},
    {"vcpu.h", everything},
    {"version.h", everything},
    {"features.h", everything},
    {"elfnote.h", everything},
    {"nmi.h", everything},
    {"physdev.h", everything},
    {"memory.h", memory_wanted},
    {"platform.h", platform_wanted},
    {"domctl.h", domctl_wanted},
    {"sysctl.h", sysctl_wanted},
    {"arch-x86/hvm/start_info.h", everything},
    {"hvm/params.h", params_wanted},
    {"hvm/hvm_op.h", hvm_op_wanted},
};

// Macros xenon deliberately has no counterpart for, and why.
const std::map<std::string, std::string> kExcused = {
    // Header machinery, printf formats, and compiler adaptation.
    {"XEN_FLEX_ARRAY_DIM", "C flexible-array spelling"},
    {"int64_aligned_t", "type alias for tools"},
    {"uint64_aligned_t", "type alias for tools"},
    {"PRI_xen_pfn", "printf format"},
    {"PRIu_xen_pfn", "printf format"},
    {"PRI_xen_ulong", "printf format"},
    {"XEN_HAVE_PV_GUEST_ENTRY", "header feature test"},
    {"XEN_HAVE_PV_UPCALL_MASK", "header feature test"},
    {"__DECL_REG_LO8", "register-union helper"},
    {"__DECL_REG_LO16", "register-union helper"},
    {"XEN_EMULATE_PREFIX", "assembler string; xenon has the bytes as an array"},
    {"XEN_CPUID", "assembler string"},
    {"machine_to_phys_mapping", "a pointer expression, not a value"},
    {"xen_wc_sec_hi", "field alias for 32-bit guests"},
    {"GNTTABOP_error_msgs", "string table"},
    {"grant_entry_v1", "pre-0x0003020a alias"},
    {"grant_entry_v1_t", "pre-0x0003020a alias"},
    {"xen_vga_console_info", "alias of dom0_vga_console_info"},
    {"xen_vga_console_info_t", "alias of dom0_vga_console_info"},
    {"xen_add_to_physmap_range", "pre-0x00040400 alias"},
    // The __ spellings of the address-space constants; compared under their plain names.
    {"__HYPERVISOR_VIRT_START", "same value as HYPERVISOR_VIRT_START"},
    {"__HYPERVISOR_VIRT_END", "same value as HYPERVISOR_VIRT_END"},
    {"__MACH2PHYS_VIRT_START", "same value as MACH2PHYS_VIRT_START"},
    {"__MACH2PHYS_VIRT_END", "same value as MACH2PHYS_VIRT_END"},
    // Spellings for interface versions older than any xenon supports.
    {"__HYPERVISOR_dom0_op", "pre-0x00030204 alias"},
    {"MAX_VMASST_TYPE", "pre-0x00040600 only"},
    {"NR_EVENT_CHANNELS", "pre-0x00040400 only; EVTCHN_2L_NR_CHANNELS"},
    {"console_mfn", "pre-0x00030203 field alias"},
    {"console_evtchn", "pre-0x00030203 field alias"},
    {"_XEN_NMIREASON_parity_error", "pre-0x00040300 alias"},
    {"XEN_NMIREASON_parity_error", "pre-0x00040300 alias"},
    {"PHYSDEVOP_IRQ_STATUS_QUERY", "pre-0x00040600 alias"},
    {"PHYSDEVOP_SET_IOPL", "pre-0x00040600 alias"},
    {"PHYSDEVOP_SET_IOBITMAP", "pre-0x00040600 alias"},
    {"PHYSDEVOP_APIC_READ", "pre-0x00040600 alias"},
    {"PHYSDEVOP_APIC_WRITE", "pre-0x00040600 alias"},
    {"PHYSDEVOP_ASSIGN_VECTOR", "pre-0x00040600 alias"},
    {"PHYSDEVOP_FREE_VECTOR", "pre-0x00040600 alias"},
    {"PHYSDEVOP_IRQ_NEEDS_UNMASK_NOTIFY", "pre-0x00040600 alias"},
    {"PHYSDEVOP_IRQ_SHARED", "pre-0x00040600 alias"},
    {"XENMEM_add_to_physmap_range", "pre-0x00040400 alias"},
    // Hypervisor-internal (__XEN__ only), never seen by guests.
    {"EVTCHNOP_reset_cont", "Xen-internal continuation"},
    {"XEN_DOMCTL_soft_reset_cont", "Xen-internal continuation"},
    // Differs on purpose: xenon also knows the note Xen 4.19 added (PHYS32_RELOC, 19).
    {"XEN_ELFNOTE_MAX", "xenon's is 19 (PHYS32_RELOC); 4.17's is 18"},
    // Arm only.
    {"HVM_PARAM_CALLBACK_TYPE_PPI", "Arm only"},
    {"HVM_PARAM_CALLBACK_TYPE_PPI_FLAG_MASK", "Arm only"},
    {"HVM_PARAM_CALLBACK_TYPE_PPI_FLAG_LOW_LEVEL", "Arm only"},
    // Moved to dm_op; only declared for interface versions before 0x00040900.
    {"HVMOP_set_pci_intx_level", "pre-0x00040900; now dm_op"},
    {"HVMOP_set_isa_irq_level", "pre-0x00040900; now dm_op"},
    {"HVMOP_set_pci_link_route", "pre-0x00040900; now dm_op"},
    // Sub-ops of commands whose payloads are not modelled yet.
    {"XEN_SYSCTL_pm_op_get_max_cstate", "XEN_SYSCTL_pm_op payload not modelled"},
    {"XEN_SYSCTL_pm_op_set_max_cstate", "XEN_SYSCTL_pm_op payload not modelled"},
    {"XEN_SYSCTL_pm_op_set_vcpu_migration_delay", "XEN_SYSCTL_pm_op payload not modelled"},
    {"XEN_SYSCTL_pm_op_get_vcpu_migration_delay", "XEN_SYSCTL_pm_op payload not modelled"},
    {"XEN_SYSCTL_pm_op_set_sched_opt_smt", "XEN_SYSCTL_pm_op payload not modelled"},
    {"XEN_SYSCTL_pm_op_enable_turbo", "XEN_SYSCTL_pm_op payload not modelled"},
    {"XEN_SYSCTL_pm_op_disable_turbo", "XEN_SYSCTL_pm_op payload not modelled"},
};

std::string strip_comments(const std::string& text) {
    std::string out;
    for (size_t i = 0; i < text.size();) {
        if (text.compare(i, 2, "/*") == 0) {
            size_t end = text.find("*/", i + 2);
            i = end == std::string::npos ? text.size() : end + 2;
            out += ' ';
        } else if (text.compare(i, 2, "//") == 0) {
            i = text.find('\n', i);
            if (i == std::string::npos)
                i = text.size();
        } else {
            out += text[i++];
        }
    }
    return out;
}

// The name an object-like "#define NAME ..." line defines, or "" for any other line.
std::string defined_name(const std::string& line) {
    size_t i = line.find_first_not_of(" \t");
    if (i == std::string::npos || line[i] != '#')
        return "";
    i = line.find_first_not_of(" \t", i + 1);
    if (i == std::string::npos || line.compare(i, 6, "define") != 0)
        return "";
    i += 6;
    size_t start = line.find_first_not_of(" \t", i);
    if (start == i || start == std::string::npos)
        return "";
    size_t end = start;
    while (end < line.size() &&
           (isalnum(static_cast<unsigned char>(line[end])) || line[end] == '_'))
        end++;
    if (end < line.size() && line[end] != ' ' && line[end] != '\t')
        return ""; // function-like, or not an identifier
    return line.substr(start, end - start);
}

TEST(AbiCheck, EveryConstantInTheScannedXenHeadersIsListed) {
    auto listed = to_map(abi_check::xen417_table(), nullptr);
    std::vector<std::string> missing;
    for (const Scanned& s : kScanned) {
        std::string path = std::string(XEN_PUBLIC_INCLUDE_DIR) + "/" + s.file;
        std::ifstream in(path);
        ASSERT_TRUE(in.good()) << "cannot read " << path << " (is libxen-dev installed?)";
        std::stringstream ss;
        ss << in.rdbuf();
        std::istringstream lines(strip_comments(ss.str()));
        int seen = 0;
        for (std::string line; std::getline(lines, line);) {
            std::string name = defined_name(line);
            if (name.empty() || starts(name, "__XEN_PUBLIC_") || !s.wanted(name))
                continue;
            seen++;
            if (!listed.count(name) && !kExcused.count(name))
                missing.push_back(std::string(s.file) + ": " + name);
        }
        EXPECT_GT(seen, 0) << s.file << ": no constants found; has the header changed?";
    }
    EXPECT_TRUE(missing.empty()) << missing.size()
                                 << " Xen constants neither listed in abi/abi_entries.inc nor "
                                    "excused:\n"
                                 << join(missing);
}

} // namespace
