/* SYSCALL from a PV guest (kernel: a hypercall; user: a system call for the guest
 * kernel). SYSCALL does not switch stacks, so each CPU has its own 32-byte stub that
 * parks the guest's %rsp and loads the CPU's stack top; the stub's LSTAR is set per CPU.
 * The frame built is the same arch::TrapFrame an interrupt from the guest leaves at
 * the top of the stack, so every way in and out of a guest shares one layout. */
#include "arch/asm_frame.h"
#include "arch/layout.h"

#define MAX_CPUS 256
#define VECTOR_SYSCALL 0x100
#define TRAP_FRAME_SIZE (21 * 8) /* sizeof(arch::TrapFrame) */
/* Offsets in arch::TrapFrame. */
#define TF_R11 48
#define TF_RCX 88
#define TF_VECTOR 124
#define TF_RIP 128
#define TF_CS 136
#define TF_RFLAGS 144
#define TF_SS 160

        .data
        .balign 8
        .globl syscall_stack_top
syscall_stack_top:                    /* per CPU: top of its TrapFrame area */
        .fill   MAX_CPUS, 8, 0
syscall_scratch:                      /* per CPU: the guest's %rsp, briefly */
        .fill   MAX_CPUS, 8, 0

        .text
        .balign 32
        .globl syscall_stubs
syscall_stubs:
        .set    cpu, 0
        .rept   MAX_CPUS
        .balign 32
        movq    %rsp, syscall_scratch + 8 * cpu(%rip)
        movq    syscall_stack_top + 8 * cpu(%rip), %rsp
        pushq   $SEL_RING3_DS                     /* ss */
        pushq   syscall_scratch + 8 * cpu(%rip)    /* rsp */
        jmp     syscall_common
        .set    cpu, cpu + 1
        .endr

        .section .text.hot, "ax"
syscall_common:
        pushq   %r11                      /* rflags */
        pushq   $SEL_RING3_CS64          /* cs */
        pushq   %rcx                      /* rip */
        pushq   $0
        movl    $VECTOR_SYSCALL, 4(%rsp)
        cld
        PUSH_FRAME_REGS
        movq    %rsp, %rdi
        xorl    %ebp, %ebp                /* the guest's frames are not ours to walk */
        subq    $8, %rsp
        call    pv_syscall
        addq    $8, %rsp
        /* fall through */

/* Returns to a PV guest through the TrapFrame at %rsp. SYSRETQ is much cheaper than
 * IRETQ but loads rip from rcx and rflags from r11 and can only reach the flat 64-bit CS
 * and SS: it is taken when the frame is still what SYSCALL gave (a hypercall's return),
 * or when the guest does not need rcx and r11 back (FRAME_SYSRET_OK), and the rip is
 * canonical (SYSRETQ to a non-canonical rip faults in ring 0 on Intel CPUs). */
        .globl pv_exit_frame
pv_exit_frame:
        /* Few branches: under emulation each one ends a translated block. rcx and r11
         * are free here (the frame holds the guest's). */
        movq    TF_RIP(%rsp), %rcx
        movq    TF_RFLAGS(%rsp), %r11
        movq    %rcx, %rdx                /* rdx = 0 iff rip is canonical, cs and ss flat */
        shlq    $16, %rdx
        sarq    $16, %rdx
        xorq    %rcx, %rdx
        movq    TF_CS(%rsp), %rax
        xorq    $SEL_RING3_CS64, %rax
        orq     %rax, %rdx
        movq    TF_SS(%rsp), %rax
        xorq    $SEL_RING3_DS, %rax
        orq     %rax, %rdx
        jnz     restore_frame_and_iret
        testl   $FRAME_SYSRET_OK, TF_VECTOR(%rsp)
        jnz     1f
        movq    TF_RCX(%rsp), %rax        /* rcx and r11 must already be rip and rflags */
        xorq    %rcx, %rax
        movq    TF_R11(%rsp), %rdx
        xorq    %r11, %rdx
        orq     %rdx, %rax
        jnz     restore_frame_and_iret
1:      movq    %rcx, TF_RCX(%rsp)
        movq    %r11, TF_R11(%rsp)
        POP_FRAME_REGS
        addq    $8, %rsp                  /* error code and vector */
        movq    24(%rsp), %rsp            /* the guest's rsp; interrupts stay off until SYSRETQ */
        sysretq
        .previous

/* Enters a guest for the first time on this CPU: %rdi points at the TrapFrame to load,
 * which the caller placed at the top of this CPU's stack. */
        .globl enter_guest_frame
enter_guest_frame:
        movq    %rdi, %rsp
        jmp     pv_exit_frame

/* A CPU with nothing to do: continue on the stack just below its guest frame (the frame
 * area at the top is about to be filled with a vCPU's registers), and wait for work. */
        .globl pv_idle_loop
pv_idle_loop:
        movq    %rsp, %rax
        andq    $~(STACK_SIZE - 1), %rax
        leaq    STACK_SIZE - CPU_INFO_SIZE - TRAP_FRAME_SIZE(%rax), %rsp
        xorl    %ebp, %ebp
        call    pv_idle_body
