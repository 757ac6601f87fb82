// Guest user mode: entry by HYPERVISOR_iret, the syscall callback, exit back to the
// kernel context that entered.
#define HYPERVISOR_iret 23
#define VGCF_in_syscall 0x100
#define USER_EXIT 0x7e5c0de

    .text
// long xt_user_enter(void (*fn)(), uint64_t user_rsp, uint64_t rflags): saves the
// callee-saved registers and the kernel stack pointer, then irets to fn in user mode.
    .globl xt_user_enter
xt_user_enter:
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, xt_user_saved_rsp(%rip)
    // iret context: rax, r11, rcx, flags, rip, cs, rflags, rsp, ss
    pushq $0xe02b                       // ss
    push %rsi                           // rsp
    push %rdx                           // rflags
    pushq $0xe033                       // cs, RPL 3: user mode
    push %rdi                           // rip
    pushq $0                            // flags
    pushq $0                            // rcx
    pushq $0                            // r11
    pushq $0                            // rax
    mov $HYPERVISOR_iret, %eax
    syscall
    ud2

// The syscall callback (kernel mode, on the stack_switch stack). Xen's frame:
//     rcx, r11, rip, cs, rflags, rsp, ss
    .globl xt_syscall_entry
xt_syscall_entry:
    cmp $USER_EXIT, %rax
    je 2f
    incq xt_syscalls_seen(%rip)
    mov 24(%rsp), %r11
    mov %r11, xt_syscall_last_cs(%rip)
    mov 32(%rsp), %r11
    mov %r11, xt_syscall_last_rflags(%rip)
    inc %rax                            // the "system call": rax + 1
    pop %rcx
    pop %r11
    pushq $VGCF_in_syscall              // flags
    push %rcx
    push %r11
    push %rax
    mov $HYPERVISOR_iret, %eax
    syscall
    ud2
2:  // Back to the kernel context of xt_user_enter, returning the value in rdi.
    mov xt_user_saved_rsp(%rip), %rsp
    mov %rdi, %rax
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    ret

    .data
    .balign 8
xt_user_saved_rsp:
    .quad 0
