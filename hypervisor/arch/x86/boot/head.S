/* xenon entry: Multiboot 1 and 2 headers, the 32-bit entry point, and the switch to
 * long mode with boot page tables that map
 *   - the first 4 GiB 1:1           (for the 32-bit code and the AP trampoline),
 *   - the same 4 GiB at DIRECTMAP_BASE (the direct map's first part),
 *   - the first 1 GiB at XENON_VIRT_OFFSET (the image).
 * Everything after this is C++ (arch/x86/setup.cpp: xenon_start). */
#include "arch/layout.h"

#define PHYS(sym) ((sym) - XENON_VIRT_OFFSET)

#define MB1_MAGIC 0x1badb002
#define MB1_FLAGS 0x00010003 /* page-align modules, memory info, address fields */
#define MB2_MAGIC 0xe85250d6

        .section .multiboot, "a"
        .align 8
mb1_header:
        .long MB1_MAGIC
        .long MB1_FLAGS
        .long -(MB1_MAGIC + MB1_FLAGS)
        .long PHYS(mb1_header)
        .long PHYS(__image_start)
        .long PHYS(__load_end)
        .long PHYS(__bss_end)
        .long PHYS(start32)

        .align 8
mb2_header:
        .long MB2_MAGIC
        .long 0                           /* i386 protected mode */
        .long mb2_header_end - mb2_header
        .long -(MB2_MAGIC + (mb2_header_end - mb2_header))
        /* address tag */
        .short 2, 0
        .long 24
        .long PHYS(mb2_header)
        .long PHYS(__image_start)
        .long PHYS(__load_end)
        .long PHYS(__bss_end)
        /* entry address tag */
        .short 3, 0
        .long 12
        .long PHYS(start32)
        .long 0                           /* pad to 8 */
        /* module alignment tag */
        .short 6, 0
        .long 8
        /* end tag */
        .short 0, 0
        .long 8
mb2_header_end:

        .section .text.boot, "ax"
        .code32
        .globl start32
start32:
        cli
        cld
        mov     %eax, %edi                /* loader magic */
        mov     %ebx, %esi                /* loader info (physical) */
        mov     $PHYS(boot_stack_top), %esp

        /* Long mode and NX are required; say so on COM1 if missing. */
        mov     $0x80000000, %eax
        cpuid
        cmp     $0x80000001, %eax
        jb      no_long_mode
        mov     $0x80000001, %eax
        cpuid
        bt      $29, %edx
        jnc     no_long_mode
        mov     %edx, %ebp                /* extended features, for NX below */

        mov     %cr4, %eax
        or      $0x20, %eax               /* PAE */
        mov     %eax, %cr4
        mov     $PHYS(boot_pml4), %eax
        mov     %eax, %cr3
        mov     $0xc0000080, %ecx         /* EFER */
        rdmsr
        or      $0x100, %eax              /* LME */
        bt      $20, %ebp                 /* NX offered? */
        jnc     1f
        or      $0x800, %eax              /* NXE */
1:      xor     %edx, %edx
        wrmsr
        mov     %cr0, %eax
        or      $0x80010001, %eax         /* PG | WP | PE */
        mov     %eax, %cr0

        lgdt    PHYS(boot_gdt_ptr)
        ljmp    $0x08, $PHYS(start64_low)

no_long_mode:
        mov     $PHYS(no_long_mode_msg), %esi
1:      lodsb
        test    %al, %al
        jz      2f
        mov     $0x3f8, %dx
        out     %al, %dx
        jmp     1b
2:      hlt
        jmp     2b

        .code64
start64_low:
        /* Still running at the physical address; continue at the linked address. */
        movabs  $start64_high, %rax
        jmp     *%rax

        .text
start64_high:
        mov     $0x10, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        xor     %eax, %eax
        mov     %eax, %fs
        mov     %eax, %gs
        lgdt    boot_gdt_ptr64(%rip)
        leaq    cpu0_stack_block(%rip), %rsp
        addq    $(STACK_SIZE - CPU_INFO_SIZE), %rsp
        xor     %ebp, %ebp
        /* edi = magic, esi = info phys (zero-extended by the 32-bit moves) */
        mov     %edi, %edi
        mov     %esi, %esi
        call    xenon_start
1:      cli
        hlt
        jmp     1b

        .section .rodata
no_long_mode_msg:
        .asciz  "xenon: this CPU has no 64-bit long mode; xenon needs an x86-64 CPU\r\n"

        .data
        .align 16
        .globl boot_gdt
boot_gdt:
        .quad   0
        .quad   0x00af9a000000ffff        /* 0x08: 64-bit code */
        .quad   0x00cf92000000ffff        /* 0x10: data */
boot_gdt_end:
        .align 8
        .short  0
boot_gdt_ptr:
        .short  boot_gdt_end - boot_gdt - 1
        .long   PHYS(boot_gdt)
        .align 8
        .short  0, 0, 0
boot_gdt_ptr64:
        .short  boot_gdt_end - boot_gdt - 1
        .quad   boot_gdt

        .section .data.page_aligned, "aw"
        .align 4096
        .globl boot_pml4
boot_pml4:
        .quad   PHYS(boot_pdpt_low) + 0x3           /* slot 0: identity */
        .fill   260, 8, 0
        .quad   PHYS(boot_pdpt_image) + 0x3         /* slot 261: image */
        .quad   PHYS(boot_pdpt_low) + 0x3           /* slot 262: direct map */
        .fill   249, 8, 0
        .globl boot_pdpt_low
boot_pdpt_low:
        .quad   PHYS(boot_pd_low) + 0x3
        .quad   PHYS(boot_pd_low) + 0x1000 + 0x3
        .quad   PHYS(boot_pd_low) + 0x2000 + 0x3
        .quad   PHYS(boot_pd_low) + 0x3000 + 0x3
        .fill   508, 8, 0
        .globl boot_pdpt_image
boot_pdpt_image:
        .fill   321, 8, 0
        .quad   PHYS(boot_pd_low) + 0x3             /* 0xffff82d040000000: phys 0..1G */
        .fill   190, 8, 0
boot_pd_low:
        .set    frame, 0
        .rept   2048
        .quad   (frame << 21) | 0x83                /* present, writable, 2 MiB */
        .set    frame, frame + 1
        .endr

        /* The linker script aligns this to STACK_SIZE; a large alignment here would push
         * the whole segment's file offset past where loaders look for the header. */
        .section .bss.stack_aligned, "aw", @nobits
        .align  4096
        .globl  cpu0_stack_block
cpu0_stack_block:
        .skip   STACK_SIZE
        .align  16
        .skip   1024
boot_stack_top:
