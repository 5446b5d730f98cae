// A CharBackend that sends guest output to a file and has no input: QEMU's
// `-chardev file,path=FILE` (truncated on open unless append=on). Writes go
// straight to the file descriptor, so nothing is lost if xvm is killed.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "core/result.h"
#include "dev/char_backend.h"

namespace xvm::dev {

class FileBackend final : public CharBackend {
  public:
    // Creates the file if needed (mode 0666 less the umask, as QEMU).
    static Result<std::unique_ptr<FileBackend>> open(const std::string& path, bool append);
    ~FileBackend() override;
    FileBackend(const FileBackend&) = delete;
    FileBackend& operator=(const FileBackend&) = delete;

    void write(const uint8_t* data, size_t len) override;
    void input_space() override {}  // no input, so none waits

    const std::string& path() const { return path_; }

  private:
    FileBackend(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}

    std::mutex mu_;  // one device's writes are not interleaved with another's
    const int fd_;
    const std::string path_;
};

}  // namespace xvm::dev
