// The hypervisor's object heap: xmalloc/xfree and xnew/xdelete.
//
// Requests up to 2 KiB come from size classes (16 B .. 2 KiB, powers of two) carved out
// of slabs; bigger ones are whole naturally aligned page blocks, so a request of 2^n
// pages is 2^n pages aligned. Every object is aligned to its class size, so any
// power-of-two alignment is honoured. Pages come from a PageSource: the buddy allocator
// in the hypervisor, the C library in host tests.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "lib/new.h"
#include "lib/spinlock.h"

namespace memory {

struct PageSource {
    // 2^order pages aligned to their size, or nullptr.
    void *(*alloc)(unsigned order);
    void (*free)(void *pages, unsigned order);
    // A word the heap may keep for a page of a block from alloc (zero when the block is
    // handed out), or nullptr for an address that is not such a page.
    uint32_t *(*tag)(const void *page);
};

class Heap {
  public:
    static constexpr unsigned kClasses = 8; // 16, 32, ..., 2048 bytes
    static constexpr size_t kMaxSmall = 2048;
    static constexpr unsigned kMaxOrder = 20;

    constexpr Heap() = default;
    Heap(const Heap &) = delete;
    Heap &operator=(const Heap &) = delete;

    // Starts empty; whatever an earlier source held is forgotten.
    void init(const PageSource *source);

    // nullptr when out of memory. align must be a power of two.
    void *alloc(size_t size, size_t align);
    // Panics on a pointer that is not a live heap object, where that is detectable.
    void free(void *ptr);
    // Gives back the empty slab each size class keeps cached.
    void trim();

    uint64_t pages_held() const { return pages_held_; }
    uint64_t live_objects() const { return live_objects_; }

  private:
    struct Slab;
    Slab *new_slab(unsigned cls);
    void release_slab(Slab *slab);
    void *alloc_large(size_t size, size_t align);
    void free_small(void *ptr, uint32_t tag);

    mutable lib::SpinLock lock_;
    const PageSource *source_ = nullptr;
    Slab *partial_[kClasses] = {}; // slabs with at least one free object
    uint64_t pages_held_ = 0;
    uint64_t live_objects_ = 0;
};

// The hypervisor's heap; memory::init connects it to the buddy allocator.
Heap &heap();

} // namespace memory

void *xmalloc(size_t size, size_t align = 16);
void *xzalloc(size_t size, size_t align = 16);
void xfree(void *ptr);

template <typename T, typename... Args> T *xnew(Args &&...args) {
    void *p = xmalloc(sizeof(T), alignof(T) > 16 ? alignof(T) : 16);
    return p ? new (p) T(static_cast<Args &&>(args)...) : nullptr;
}

template <typename T> void xdelete(T *obj) {
    if (obj == nullptr)
        return;
    obj->~T();
    xfree(const_cast<void *>(static_cast<const void *>(obj)));
}
