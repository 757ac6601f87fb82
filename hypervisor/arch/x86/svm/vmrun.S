/* svm_vmrun(vmcb_pa, host_area_pa, regs): one trip into an SVM guest (svm/svm.h).
 *
 * GIF is cleared first, so nothing interrupts the switch; IF is set so that, with
 * V_INTR_MASKING, physical interrupts during the guest cause #VMEXIT(INTR). VMRUN keeps
 * only part of the host's state: the rest (FS, GS, TR, LDTR, KernelGSbase, STAR, LSTAR,
 * CSTAR, SFMASK, SYSENTER) is VMSAVEd to the host area before and VMLOADed after, and
 * the guest's part of it lives in its VMCB (VMLOAD before VMRUN, VMSAVE after). The host
 * TR is back before GIF is set again, so an NMI never runs on the guest's TSS. */
#define TF_R15 0
#define TF_R14 8
#define TF_R13 16
#define TF_R12 24
#define TF_RBP 32
#define TF_RBX 40
#define TF_R11 48
#define TF_R10 56
#define TF_R9 64
#define TF_R8 72
#define TF_RCX 88
#define TF_RDX 96
#define TF_RSI 104
#define TF_RDI 112

        .text
        .globl svm_vmrun
svm_vmrun:
        pushq   %rbp
        pushq   %rbx
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
        pushq   %rdx                    /* 16(%rsp): regs */
        pushq   %rsi                    /* 8(%rsp): host area */
        pushq   %rdi                    /* 0(%rsp): vmcb */
        clgi
        sti
        movq    %rsi, %rax
        vmsave  %rax
        movq    16(%rsp), %rax
        movq    TF_R15(%rax), %r15
        movq    TF_R14(%rax), %r14
        movq    TF_R13(%rax), %r13
        movq    TF_R12(%rax), %r12
        movq    TF_RBP(%rax), %rbp
        movq    TF_RBX(%rax), %rbx
        movq    TF_R11(%rax), %r11
        movq    TF_R10(%rax), %r10
        movq    TF_R9(%rax), %r9
        movq    TF_R8(%rax), %r8
        movq    TF_RCX(%rax), %rcx
        movq    TF_RDX(%rax), %rdx
        movq    TF_RSI(%rax), %rsi
        movq    TF_RDI(%rax), %rdi
        movq    0(%rsp), %rax
        vmload  %rax
        vmrun   %rax
        vmsave  %rax
        movq    16(%rsp), %rax
        movq    %r15, TF_R15(%rax)
        movq    %r14, TF_R14(%rax)
        movq    %r13, TF_R13(%rax)
        movq    %r12, TF_R12(%rax)
        movq    %rbp, TF_RBP(%rax)
        movq    %rbx, TF_RBX(%rax)
        movq    %r11, TF_R11(%rax)
        movq    %r10, TF_R10(%rax)
        movq    %r9, TF_R9(%rax)
        movq    %r8, TF_R8(%rax)
        movq    %rcx, TF_RCX(%rax)
        movq    %rdx, TF_RDX(%rax)
        movq    %rsi, TF_RSI(%rax)
        movq    %rdi, TF_RDI(%rax)
        movq    8(%rsp), %rax
        vmload  %rax
        cli
        stgi
        addq    $24, %rsp
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %rbx
        popq    %rbp
        ret

/* hvm_resume: the current vCPU is an HVM one. Continue on the stack just below this
 * CPU's guest frame (whatever ran before is done) and run it (svm/run.cpp). */
#include "arch/layout.h"
#define TRAP_FRAME_SIZE (21 * 8)
        .globl hvm_resume
hvm_resume:
        movq    %rsp, %rax
        andq    $~(STACK_SIZE - 1), %rax
        leaq    STACK_SIZE - CPU_INFO_SIZE - TRAP_FRAME_SIZE(%rax), %rsp
        xorl    %ebp, %ebp
        call    hvm_run_body
        ud2
