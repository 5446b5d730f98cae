// The character-device options of `xvm run`, spelled as qemu-system-riscv64's:
//   -chardev stdio|file|pipe|null,id=ID[,path=FILE][,append=on]
//   -serial stdio|mon:stdio|null|none|file:FILE|pipe:PATH|chardev:ID
//   -device virtio-serial-device     a virtio-console transport (one port: no MULTIPORT)
//   -device virtconsole,chardev=ID   its port, on the first such device with room
// Options are collected in command-line order, then resolve() checks the
// references and gives the board one backend per user.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/result.h"
#include "machine/virt.h"

namespace xvm::app {

class ConsoleOptions {
  public:
    Result<void> add_chardev(const std::string& spec);  // -chardev SPEC
    Result<void> add_serial(const std::string& spec);   // -serial SPEC
    // -device TYPE[,...] for the types is_console_device() accepts.
    Result<void> add_device(const std::string& spec);
    static bool is_console_device(const std::string& type);

    // Fills vo.serial and vo.consoles; `warnings` gets one line per chardev no
    // device uses.
    Result<void> resolve(machine::VirtOptions& vo, std::vector<std::string>& warnings) const;

  private:
    struct Chardev {
        machine::CharDevOption opt;
        std::string kind_name;  // as spelled, for messages
    };
    // The UART's backend: inline (-serial stdio) or a chardev (-serial chardev:ID).
    struct Serial {
        machine::CharDevOption opt{machine::CharDevOption::Kind::kStdio};
        std::string chardev;  // non-empty: use this chardev
        bool given = false;
    };
    // A virtio-serial-device and the chardev of its one port (none: no virtconsole).
    struct SerialBus {
        bool has_port = false;
        std::string chardev;  // empty: a port without a chardev (output dropped)
    };

    std::map<std::string, Chardev> chardevs_;
    Serial serial_;
    std::vector<SerialBus> buses_;
};

}  // namespace xvm::app
