// common/grace_period: an object is handed back only once every CPU it waited for has
// passed a quiescent point after it was queued, and exactly once.
#include <gtest/gtest.h>

#include "common/grace_period.h"

namespace {

grace::CpuMask mask_of(std::initializer_list<unsigned> cpus) {
    grace::CpuMask m{};
    for (unsigned c : cpus)
        m.set(c);
    return m;
}

int count(grace::Deferred* d) {
    int n = 0;
    for (; d; d = d->next)
        n++;
    return n;
}

TEST(GracePeriod, WaitsForEveryCpu) {
    grace::GraceList list;
    grace::Deferred d{};
    list.defer(&d, mask_of({0, 1, 200}));
    EXPECT_EQ(list.quiescent(1), nullptr);
    EXPECT_EQ(list.quiescent(1), nullptr); // the same CPU twice does not end it
    EXPECT_EQ(list.quiescent(5), nullptr); // nor a CPU it does not wait for
    EXPECT_EQ(list.quiescent(0), nullptr);
    EXPECT_FALSE(list.empty());
    EXPECT_EQ(list.quiescent(200), &d);
    EXPECT_TRUE(list.empty());
    EXPECT_EQ(list.quiescent(200), nullptr);
}

TEST(GracePeriod, QuiescenceBeforeQueueingDoesNotCount) {
    grace::GraceList list;
    grace::Deferred a{}, b{};
    list.defer(&a, mask_of({0, 1}));
    EXPECT_EQ(list.quiescent(1), nullptr);
    list.defer(&b, mask_of({0, 1})); // CPU 1's point above was before b was queued
    EXPECT_EQ(list.quiescent(0), &a);
    EXPECT_EQ(list.quiescent(1), &b);
    EXPECT_TRUE(list.empty());
}

TEST(GracePeriod, SeveralEndTogether) {
    grace::GraceList list;
    grace::Deferred objs[5]{};
    for (auto& o : objs)
        list.defer(&o, mask_of({3}));
    grace::Deferred* done = list.quiescent(3);
    EXPECT_EQ(count(done), 5);
    EXPECT_TRUE(list.empty());
}

} // namespace
