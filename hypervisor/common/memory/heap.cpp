#include "common/memory/heap.h"

#include "arch/layout.h"
#include "common/panic.h"
#include "lib/string.h"

namespace memory {

namespace {

constinit Heap g_heap;

// Page tags: the kind in the top bits, the class or order in the low byte.
constexpr uint32_t kTagKindMask = 0xFFFFFF00;
constexpr uint32_t kTagSlab = 0xC1A55E00;  // every page of a slab
constexpr uint32_t kTagLarge = 0xB16B1000; // first page of a large block

constexpr uint16_t kSlabMagic = 0x51AB;
constexpr uint64_t kFreeCanary = 0xF4EEF4EEF4EEF4EEull;

constexpr size_t class_size(unsigned cls) {
    return size_t{16} << cls;
}
// A slab holds at least 7 objects: one page, or 8 objects' worth for the big classes.
constexpr unsigned slab_order(unsigned cls) {
    return class_size(cls) * 8 <= PAGE_SIZE ? 0 : __builtin_ctzll(class_size(cls) * 8 / PAGE_SIZE);
}
constexpr size_t slab_bytes(unsigned cls) {
    return size_t{PAGE_SIZE} << slab_order(cls);
}

// Smallest class holding `need` bytes (need <= kMaxSmall).
unsigned class_for(size_t need) {
    if (need <= 16)
        return 0;
    return 64 - __builtin_clzll(need - 1) - 4;
}

// A free object links to the next and carries a canary derived from its own address,
// so a double free is spotted cheaply and a write after free is caught on reuse.
struct FreeObject {
    FreeObject *next;
    uint64_t canary;
};
uint64_t canary_for(const FreeObject *obj) {
    return reinterpret_cast<uintptr_t>(obj) ^ kFreeCanary;
}

} // namespace

// Lives at the start of every slab; objects follow at multiples of the class size.
struct Heap::Slab {
    Slab *next;
    Slab *prev;
    FreeObject *free;
    uint16_t in_use;
    uint16_t capacity;
    uint16_t magic;
    uint8_t cls;

    size_t first_offset() const {
        size_t size = class_size(cls);
        return (sizeof(Slab) + size - 1) & ~(size - 1);
    }
};

Heap &heap() {
    return g_heap;
}

void Heap::init(const PageSource *source) {
    static_assert(sizeof(Slab) == 32); // the header costs one slot (two of 16 bytes)
    lib::LockGuard guard(lock_);
    source_ = source;
    for (Slab *&s : partial_)
        s = nullptr;
    pages_held_ = 0;
    live_objects_ = 0;
}

void *Heap::alloc(size_t size, size_t align) {
    ASSERT(align != 0 && (align & (align - 1)) == 0);
    lib::LockGuard guard(lock_);
    if (source_ == nullptr)
        return nullptr;
    size_t need = size > align ? size : align;
    if (need > kMaxSmall)
        return alloc_large(size, align);
    unsigned cls = class_for(need);
    Slab *slab = partial_[cls];
    if (slab == nullptr && (slab = new_slab(cls)) == nullptr)
        return nullptr;
    FreeObject *obj = slab->free;
    if (obj->canary != canary_for(obj))
        panic("heap: free object %p in class %zu was overwritten", obj, class_size(cls));
    slab->free = obj->next;
    slab->in_use++;
    if (slab->free == nullptr) { // full: off the list
        partial_[cls] = slab->next;
        if (slab->next)
            slab->next->prev = nullptr;
        slab->next = nullptr;
    }
    live_objects_++;
    return obj;
}

void *Heap::alloc_large(size_t size, size_t align) {
    if (size > (size_t{PAGE_SIZE} << kMaxOrder) || align > (size_t{PAGE_SIZE} << kMaxOrder))
        return nullptr;
    size_t pages = (size + PAGE_SIZE - 1) >> PAGE_SHIFT;
    unsigned order = pages <= 1 ? 0 : 64 - __builtin_clzll(pages - 1);
    while ((size_t{PAGE_SIZE} << order) < align)
        order++;
    void *block = source_->alloc(order);
    if (block == nullptr)
        return nullptr;
    uint32_t *tag = source_->tag(block);
    ASSERT(tag != nullptr && *tag == 0);
    *tag = kTagLarge | order;
    pages_held_ += 1ull << order;
    live_objects_++;
    return block;
}

Heap::Slab *Heap::new_slab(unsigned cls) {
    unsigned order = slab_order(cls);
    void *mem = source_->alloc(order);
    if (mem == nullptr)
        return nullptr;
    auto *base = static_cast<uint8_t *>(mem);
    for (size_t off = 0; off < slab_bytes(cls); off += PAGE_SIZE) {
        uint32_t *tag = source_->tag(base + off);
        ASSERT(tag != nullptr && *tag == 0);
        *tag = kTagSlab | cls;
    }
    auto *slab = reinterpret_cast<Slab *>(base);
    slab->cls = static_cast<uint8_t>(cls);
    slab->magic = kSlabMagic;
    slab->in_use = 0;
    size_t size = class_size(cls);
    size_t first = slab->first_offset();
    slab->capacity = static_cast<uint16_t>((slab_bytes(cls) - first) / size);
    // Thread the free list in address order.
    FreeObject *next = nullptr;
    for (size_t i = slab->capacity; i-- > 0;) {
        auto *obj = reinterpret_cast<FreeObject *>(base + first + i * size);
        obj->next = next;
        obj->canary = canary_for(obj);
        next = obj;
    }
    slab->free = next;
    slab->prev = nullptr;
    slab->next = partial_[cls];
    if (slab->next)
        slab->next->prev = slab;
    partial_[cls] = slab;
    pages_held_ += 1ull << order;
    return slab;
}

void Heap::release_slab(Slab *slab) {
    unsigned cls = slab->cls;
    if (slab->prev)
        slab->prev->next = slab->next;
    else
        partial_[cls] = slab->next;
    if (slab->next)
        slab->next->prev = slab->prev;
    slab->magic = 0;
    auto *base = reinterpret_cast<uint8_t *>(slab);
    for (size_t off = 0; off < slab_bytes(cls); off += PAGE_SIZE)
        *source_->tag(base + off) = 0;
    pages_held_ -= 1ull << slab_order(cls);
    source_->free(slab, slab_order(cls));
}

void Heap::free(void *ptr) {
    if (ptr == nullptr)
        return;
    lib::LockGuard guard(lock_);
    uintptr_t addr = reinterpret_cast<uintptr_t>(ptr);
    uint32_t *tag = source_
                        ? source_->tag(reinterpret_cast<void *>(addr & ~uintptr_t{PAGE_SIZE - 1}))
                        : nullptr;
    uint32_t kind = tag ? *tag & kTagKindMask : 0;
    if (kind == kTagSlab)
        return free_small(ptr, *tag);
    if (kind != kTagLarge || (addr & (PAGE_SIZE - 1)) != 0)
        panic("heap: freeing %p, which is not a live heap object", ptr);
    unsigned order = *tag & 0xFF;
    *tag = 0;
    pages_held_ -= 1ull << order;
    live_objects_--;
    source_->free(ptr, order);
}

void Heap::free_small(void *ptr, uint32_t tag) {
    unsigned cls = tag & 0xFF;
    ASSERT(cls < kClasses);
    size_t size = class_size(cls);
    uintptr_t addr = reinterpret_cast<uintptr_t>(ptr);
    auto *slab = reinterpret_cast<Slab *>(addr & ~(slab_bytes(cls) - 1));
    if (slab->magic != kSlabMagic || slab->cls != cls)
        panic("heap: slab %p holding %p is corrupt", slab, ptr);
    size_t off = addr - reinterpret_cast<uintptr_t>(slab);
    if (off < slab->first_offset() || (off - slab->first_offset()) % size != 0)
        panic("heap: freeing %p, which is inside a %zu-byte object", ptr, size);
    auto *obj = static_cast<FreeObject *>(ptr);
    // A canary match may be chance in live data; the free list decides.
    if (obj->canary == canary_for(obj)) {
        for (FreeObject *f = slab->free; f; f = f->next) {
            if (f == obj)
                panic("heap: double free of %p", ptr);
        }
    }
    ASSERT(slab->in_use > 0);
    bool was_full = slab->free == nullptr;
    obj->next = slab->free;
    obj->canary = canary_for(obj);
    slab->free = obj;
    slab->in_use--;
    live_objects_--;
    if (was_full) {
        slab->prev = nullptr;
        slab->next = partial_[cls];
        if (slab->next)
            slab->next->prev = slab;
        partial_[cls] = slab;
    }
    // Keep one empty slab per class so alloc/free pairs do not churn pages.
    if (slab->in_use == 0 && (partial_[cls] != slab || slab->next != nullptr))
        release_slab(slab);
}

void Heap::trim() {
    lib::LockGuard guard(lock_);
    for (unsigned cls = 0; cls < kClasses; cls++) {
        Slab *s = partial_[cls];
        while (s) {
            Slab *next = s->next;
            if (s->in_use == 0)
                release_slab(s);
            s = next;
        }
    }
}

} // namespace memory

void *xmalloc(size_t size, size_t align) {
    return memory::heap().alloc(size, align);
}

void *xzalloc(size_t size, size_t align) {
    void *p = memory::heap().alloc(size, align);
    if (p)
        memset(p, 0, size);
    return p;
}

void xfree(void *ptr) {
    memory::heap().free(ptr);
}
