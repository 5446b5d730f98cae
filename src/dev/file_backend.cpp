#include "dev/file_backend.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

namespace xvm::dev {

Result<std::unique_ptr<FileBackend>> FileBackend::open(const std::string& path, bool append) {
    const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC);
    const int fd = ::open(path.c_str(), flags, 0666);
    if (fd < 0) return make_error(path + ": " + strerror(errno));
    return std::unique_ptr<FileBackend>(new FileBackend(fd, path));
}

FileBackend::~FileBackend() {
    close(fd_);
}

// A failed write (full disk, a file that went away) loses that output only: a
// serial line has no way to tell the guest either.
void FileBackend::write(const uint8_t* data, size_t len) {
    std::lock_guard lock(mu_);
    while (len > 0) {
        const ssize_t n = ::write(fd_, data, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        data += n;
        len -= static_cast<size_t>(n);
    }
}

}  // namespace xvm::dev
