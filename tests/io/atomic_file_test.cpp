// Output files appear complete or not at all.
#include "dnacnn/io/atomic_file.hpp"

#include <gtest/gtest.h>

#include "dnacnn/core/error.hpp"
#include "test_support.hpp"

namespace dnacnn::io {
namespace {

using test::TempDir;
namespace fs = std::filesystem;

TEST(AtomicFile, WithoutCommitNothingAppears) {
  TempDir dir;
  const auto path = dir / "out.tsv";
  {
    AtomicFile f(path);
    f.stream() << "partial data\n";
    f.stream().flush();
    EXPECT_TRUE(fs::exists(f.temp_path()));   // written under a temporary name...
    EXPECT_NE(f.temp_path(), path);
    EXPECT_EQ(f.temp_path().parent_path(), path.parent_path());  // ...in the same directory (rename stays atomic)
    EXPECT_FALSE(fs::exists(path));
  }
  EXPECT_FALSE(fs::exists(path));
  EXPECT_TRUE(fs::is_empty(dir.path())) << "left behind: " << test::list_dir(dir.path()).front();
}

TEST(AtomicFile, CommitMakesItAppear) {
  TempDir dir;
  const auto path = dir / "out.tsv";
  fs::path temp;
  {
    AtomicFile f(path);
    temp = f.temp_path();
    f.stream() << "complete\n";
    EXPECT_FALSE(fs::exists(path));
    f.commit();
    EXPECT_TRUE(fs::exists(path));
  }
  EXPECT_EQ(test::read_file(path), "complete\n");
  EXPECT_FALSE(fs::exists(temp));
  EXPECT_EQ(test::list_dir(dir.path()), std::vector<std::string>{"out.tsv"});
}

TEST(AtomicFile, UncommittedRewriteKeepsTheOldFile) {
  TempDir dir;
  const auto path = dir / "metrics.json";
  write_file_atomically(path, "old\n");
  {
    AtomicFile f(path);
    f.stream() << "new but unfinished";
  }
  EXPECT_EQ(test::read_file(path), "old\n");
  EXPECT_EQ(test::list_dir(dir.path()), std::vector<std::string>{"metrics.json"});
  write_file_atomically(path, "new\n");
  EXPECT_EQ(test::read_file(path), "new\n");
}

TEST(AtomicFile, ExceptionBeforeCommitLeavesNothing) {
  TempDir dir;
  const auto path = dir / "out.tsv";
  try {
    AtomicFile f(path);
    f.stream() << "rows...";
    throw std::runtime_error("failed halfway");
  } catch (const std::runtime_error&) {
  }
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(AtomicFile, RelativePathInCurrentDirectory) {
  TempDir dir;
  const fs::path old = fs::current_path();
  fs::current_path(dir.path());
  write_file_atomically("plain.txt", "x");
  fs::current_path(old);
  EXPECT_EQ(test::read_file(dir / "plain.txt"), "x");
}

TEST(AtomicFile, UnwritableLocationsAreErrors) {
  TempDir dir;
  EXPECT_THROW_MSG(AtomicFile(dir / "missing" / "out.tsv"), Error, "cannot write here");
  fs::create_directory(dir / "sub");
  EXPECT_THROW_MSG(AtomicFile(dir / "sub"), Error, "is a directory");
  test::write_file(dir / "file", "x");
  EXPECT_THROW(AtomicFile(dir / "file" / "out.tsv"), Error);
}

TEST(AtomicFile, SymlinkIsKeptAndItsTargetReplaced) {
  TempDir dir;
  fs::create_directory(dir / "real");
  write_file_atomically(dir / "real" / "data.tsv", "old\n");
  fs::create_symlink(dir / "real" / "data.tsv", dir / "link.tsv");
  write_file_atomically(dir / "link.tsv", "new\n");
  EXPECT_TRUE(fs::is_symlink(dir / "link.tsv"));
  EXPECT_EQ(test::read_file(dir / "real" / "data.tsv"), "new\n");
  EXPECT_EQ(test::list_dir(dir.path()), (std::vector<std::string>{"link.tsv", "real"}));
  EXPECT_EQ(test::list_dir(dir / "real"), std::vector<std::string>{"data.tsv"});
}

TEST(AtomicFile, DevicesAreWrittenDirectly) {
  EXPECT_NO_THROW(write_file_atomically("/dev/null", "discarded\n"));
  AtomicFile f("/dev/null");
  EXPECT_EQ(f.temp_path(), fs::path("/dev/null"));  // no temporary file beside a device
}

TEST(EnsureDirectory, CreatesParentsAndRefusesFiles) {
  TempDir dir;
  ensure_directory(dir / "a" / "b" / "c");
  EXPECT_TRUE(fs::is_directory(dir / "a" / "b" / "c"));
  ensure_directory(dir / "a");  // existing: fine
  test::write_file(dir / "f", "x");
  EXPECT_THROW_MSG(ensure_directory(dir / "f"), Error, (dir / "f").string() + ": ");
  EXPECT_THROW_MSG(ensure_directory(dir / "f"), Error, "directory");
  EXPECT_THROW_MSG(ensure_directory(dir / "f" / "sub"), Error, "cannot create directory");
}

}  // namespace
}  // namespace dnacnn::io
