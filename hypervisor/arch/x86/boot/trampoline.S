/* Application-processor start-up: copied to a page below 1 MiB, entered in real mode by
 * the STARTUP IPI, and taken through protected mode into long mode on the boot page
 * tables. The boot CPU fills the parameter block at the end before each start. */
#include "arch/layout.h"

#define OFF(sym) ((sym) - trampoline_start)

        .section .rodata
        .balign 16
        .globl trampoline_start, trampoline_end, trampoline_params
        .code16
trampoline_start:
        cli
        cld
        mov     %cs, %ax
        mov     %ax, %ds
        movzwl  %ax, %ebx
        shl     $4, %ebx                   /* ebx = linear base of the trampoline */
        lgdtl   OFF(tp_gdt_ptr)
        mov     %cr0, %eax
        or      $1, %eax
        mov     %eax, %cr0
        ljmpl   *OFF(tp_far32)

        .code32
tramp32:
        mov     $0x10, %ax
        mov     %ax, %ds
        mov     %ax, %es
        mov     %ax, %ss
        mov     %cr4, %eax
        or      $0x20, %eax                /* PAE */
        mov     %eax, %cr4
        mov     OFF(tp_cr3)(%ebx), %eax
        mov     %eax, %cr3
        mov     $0xc0000080, %ecx
        mov     OFF(tp_efer)(%ebx), %eax
        xor     %edx, %edx
        wrmsr
        mov     %cr0, %eax
        or      $0x80010001, %eax          /* PG | WP | PE */
        mov     %eax, %cr0
        ljmpl   *OFF(tp_far64)(%ebx)

        .code64
tramp64:
        mov     OFF(tp_stack)(%rbx), %rsp
        mov     OFF(tp_cpu)(%rbx), %edi
        movq    OFF(tp_entry)(%rbx), %rax
        xor     %ebp, %ebp
        jmp     *%rax

        .balign 16
trampoline_params:
tp_gdt:
        .quad   0
        .quad   0x00cf9a000000ffff         /* 0x08: 32-bit code */
        .quad   0x00cf92000000ffff         /* 0x10: data */
        .quad   0x00af9a000000ffff         /* 0x18: 64-bit code */
tp_gdt_ptr:
        .short  31
        .long   OFF(tp_gdt)                /* the boot CPU adds the base to these three */
        .short  0
tp_far32:
        .long   OFF(tramp32)
        .short  0x08
        .short  0
tp_far64:
        .long   OFF(tramp64)
        .short  0x18
        .short  0
tp_cr3:
        .quad   0
tp_efer:
        .quad   0
tp_stack:
        .quad   0
tp_entry:
        .quad   0
tp_cpu:
        .quad   0
trampoline_end:

