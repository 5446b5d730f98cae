#include "dev/file_backend.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace xvm::dev {
namespace {

std::string slurp(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
}

class FileBackendTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string tmpl = (std::filesystem::temp_directory_path() / "xvm-file-XXXXXX").string();
        ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
        dir_ = tmpl;
    }
    void TearDown() override {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    void write(FileBackend& b, const std::string& s) {
        b.write(reinterpret_cast<const uint8_t*>(s.data()), s.size());
    }
    std::string dir_;
};

TEST_F(FileBackendTest, CreatesTruncatesOrAppends) {
    const std::string path = dir_ + "/out.txt";
    {
        auto b = FileBackend::open(path, false);
        ASSERT_TRUE(b) << b.error().message;
        write(**b, "hello ");
        EXPECT_EQ(slurp(path), "hello ");  // unbuffered: there before the backend goes
        write(**b, "world\n");
    }
    EXPECT_EQ(slurp(path), "hello world\n");
    {
        auto b = FileBackend::open(path, true);
        ASSERT_TRUE(b);
        write(**b, "more\n");
    }
    EXPECT_EQ(slurp(path), "hello world\nmore\n");
    {
        auto b = FileBackend::open(path, false);
        ASSERT_TRUE(b);
        write(**b, "new\n");
    }
    EXPECT_EQ(slurp(path), "new\n");
}

TEST_F(FileBackendTest, HasNoInputAndNamesAFileItCannotOpen) {
    auto b = FileBackend::open(dir_ + "/in", false);
    ASSERT_TRUE(b);
    EXPECT_EQ((*b)->queued_input(), 0u);
    (*b)->input_space();  // nothing waits; must not block or crash
    auto bad = FileBackend::open(dir_ + "/missing/out", false);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message, dir_ + "/missing/out: No such file or directory");
}

}  // namespace
}  // namespace xvm::dev
