/* Exception and interrupt entry: one stub per vector that normalises the stack (an error
 * code slot always present, the vector beside it), then a common path that saves the
 * general registers as an arch::TrapFrame and calls trap_dispatch(). */
#include "arch/asm_frame.h"
#include "arch/layout.h"

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || \
                           (v) == 29 || (v) == 30)

        .text
        .align 16
        .globl trap_stubs
trap_stubs:
        .set vec, 0
        .rept 256
        .align 16
        .if HAS_ERROR_CODE(vec)
        movl    $vec, 4(%rsp)         /* vector in the upper half of the error slot */
        .else
        pushq   $0
        movl    $vec, 4(%rsp)
        .endif
        jmp     trap_common
        .set vec, vec + 1
        .endr

        .section .text.hot, "ax"
trap_common:
        cld
        PUSH_FRAME_REGS
        movq    %rsp, %rdi
        /* Link the frame into the rbp chain so backtraces walk through the trap. */
        movq    (15 + 1) * 8 + 0(%rsp), %rax   /* interrupted rip */
        pushq   %rax
        pushq   %rbp
        movq    %rsp, %rbp
        subq    $8, %rsp              /* 16-byte alignment at the call */
        call    trap_dispatch
        addq    $24, %rsp
        testb   $3, (15 + 1 + 1) * 8(%rsp)   /* the frame's CS: back to a guest? */
        jnz     pv_exit_frame
        /* fall through */

/* Restores the TrapFrame at %rsp and returns through it: to xenon, or to a guest. */
        .globl restore_frame_and_iret
restore_frame_and_iret:
        POP_FRAME_REGS
        addq    $8, %rsp              /* error code and vector */
        .globl frame_iretq
frame_iretq:                          /* a fault here is the guest's (pv/iret.cpp) */
        iretq
        .previous
