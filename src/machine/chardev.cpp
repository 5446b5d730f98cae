#include "machine/chardev.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "dev/file_backend.h"

namespace xvm::machine {

namespace {

// O_RDWR as QEMU's pipe chardev (chardev/char-pipe.c): opening a FIFO then
// neither blocks for the other end nor sees EOF while nobody writes to it.
int open_rdwr(const std::string& path) {
    return ::open(path.c_str(), O_RDWR | O_CLOEXEC);
}

}  // namespace

Result<std::unique_ptr<CharDev>> CharDev::open(const CharDevOption& opt,
                                               std::function<void()> on_quit, int stdin_fd,
                                               int stdout_fd) {
    std::unique_ptr<CharDev> c(new CharDev());
    switch (opt.kind) {
        case CharDevOption::Kind::kNull: break;
        case CharDevOption::Kind::kStdio: {
            auto t =
                std::make_unique<dev::TerminalBackend>(std::move(on_quit), stdin_fd, stdout_fd);
            c->reader_ = t.get();
            c->backend_ = std::move(t);
            break;
        }
        case CharDevOption::Kind::kFile: {
            auto f = dev::FileBackend::open(opt.path, opt.append);
            if (!f) return f.error();
            c->backend_ = std::move(*f);
            break;
        }
        case CharDevOption::Kind::kPipe: {
            // PATH.in and PATH.out when both exist, else PATH both ways.
            int in = open_rdwr(opt.path + ".in"), out = open_rdwr(opt.path + ".out");
            if (in < 0 || out < 0) {
                if (in >= 0) close(in);
                if (out >= 0) close(out);
                in = open_rdwr(opt.path);
                if (in < 0)
                    return make_error(opt.path + ": " + strerror(errno) + " (nor " + opt.path +
                                      ".in and .out)");
                out = in;
            }
            c->owned_fds_[0] = in;
            c->owned_fds_[1] = out != in ? out : -1;
            auto t = std::make_unique<dev::TerminalBackend>(nullptr, in, out);
            c->reader_ = t.get();
            c->backend_ = std::move(t);
            break;
        }
    }
    return c;
}

CharDev::~CharDev() {
    stop();
    backend_.reset();  // its reader thread is joined before the fds go
    for (int fd : owned_fds_)
        if (fd >= 0) close(fd);
}

Result<void> CharDev::start() {
    if (reader_) return reader_->start();
    return {};
}

void CharDev::stop() {
    if (reader_) reader_->stop();
}

}  // namespace xvm::machine
