#include "app/console_options.h"

#include <utility>

namespace xvm::app {

namespace {

using Kind = machine::CharDevOption::Kind;

struct Spec {
    std::string type;
    std::vector<std::pair<std::string, std::string>> options;  // key, value ("" when bare)
};

// "type,key=value,key,..." as QEMU's option strings (no ",," escapes).
Spec split_spec(const std::string& s) {
    Spec spec;
    size_t pos = 0;
    bool first = true;
    while (pos <= s.size()) {
        size_t comma = s.find(',', pos);
        if (comma == std::string::npos) comma = s.size();
        const std::string item = s.substr(pos, comma - pos);
        pos = comma + 1;
        if (first) {
            spec.type = item;
            first = false;
            continue;
        }
        if (item.empty()) continue;
        const auto eq = item.find('=');
        spec.options.emplace_back(item.substr(0, eq),
                                  eq == std::string::npos ? "" : item.substr(eq + 1));
    }
    return spec;
}

Result<bool> on_off(const std::string& option, const std::string& v) {
    if (v == "on" || v == "true" || v == "yes" || v.empty()) return true;
    if (v == "off" || v == "false" || v == "no") return false;
    return make_error("bad " + option + " value '" + v + "' (on or off)");
}

}  // namespace

Result<void> ConsoleOptions::add_chardev(const std::string& text) {
    const Spec spec = split_spec(text);
    Chardev c;
    c.kind_name = spec.type;
    std::string id;
    if (spec.type == "stdio")
        c.opt.kind = Kind::kStdio;
    else if (spec.type == "file")
        c.opt.kind = Kind::kFile;
    else if (spec.type == "pipe")
        c.opt.kind = Kind::kPipe;
    else if (spec.type == "null")
        c.opt.kind = Kind::kNull;
    else
        return make_error("unsupported chardev backend '" + spec.type +
                          "' (stdio, file, pipe, null)");
    for (const auto& [k, v] : spec.options) {
        if (k == "id") {
            id = v;
        } else if (k == "path" && (c.opt.kind == Kind::kFile || c.opt.kind == Kind::kPipe)) {
            c.opt.path = v;
        } else if (k == "append" && c.opt.kind == Kind::kFile) {
            auto b = on_off("-chardev append", v);
            if (!b) return b.error();
            c.opt.append = *b;
        } else if (k == "signal" && c.opt.kind == Kind::kStdio) {
            // Raw mode always sends Ctrl-C to the guest (signal=off); Ctrl-A X quits.
        } else if (k == "mux") {
            auto b = on_off("-chardev mux", v);
            if (!b) return b.error();
            if (*b)
                return make_error(
                    "-chardev mux=on is not supported (one device per chardev; "
                    "see xvm run --help)");
        } else {
            return make_error("unknown -chardev " + spec.type + " option '" + k + "'");
        }
    }
    if (id.empty()) return make_error("-chardev " + spec.type + " needs id=ID");
    if ((c.opt.kind == Kind::kFile || c.opt.kind == Kind::kPipe) && c.opt.path.empty())
        return make_error("-chardev " + spec.type +
                          " needs path=" + (c.opt.kind == Kind::kFile ? "FILE" : "PATH"));
    if (!chardevs_.emplace(id, c).second) return make_error("duplicate chardev id '" + id + "'");
    return {};
}

Result<void> ConsoleOptions::add_serial(const std::string& spec) {
    if (serial_.given) return make_error("only one -serial: the virt board has one UART");
    serial_.given = true;
    auto after = [&](const char* prefix) { return spec.substr(std::string(prefix).size()); };
    if (spec == "stdio" || spec == "mon:stdio") {
        serial_.opt = {Kind::kStdio, "", false};  // no monitor: mon: only selects stdio
    } else if (spec == "null" || spec == "none") {
        serial_.opt = {Kind::kNull, "", false};
    } else if (spec.rfind("file:", 0) == 0 && spec.size() > 5) {
        serial_.opt = {Kind::kFile, after("file:"), false};
    } else if (spec.rfind("pipe:", 0) == 0 && spec.size() > 5) {
        serial_.opt = {Kind::kPipe, after("pipe:"), false};
    } else if (spec.rfind("chardev:", 0) == 0 && spec.size() > 8) {
        serial_.chardev = after("chardev:");
    } else {
        return make_error("unsupported -serial '" + spec +
                          "' (stdio, mon:stdio, null, none, file:FILE, pipe:PATH, chardev:ID)");
    }
    return {};
}

bool ConsoleOptions::is_console_device(const std::string& type) {
    return type == "virtio-serial-device" || type == "virtio-serial" || type == "virtconsole" ||
           type == "virtserialport";
}

Result<void> ConsoleOptions::add_device(const std::string& text) {
    const Spec spec = split_spec(text);
    if (spec.type == "virtio-serial-device" || spec.type == "virtio-serial") {
        for (const auto& kv : spec.options)
            if (kv.first != "id")
                return make_error("unknown -device " + spec.type + " option '" + kv.first + "'");
        buses_.push_back({});
        return {};
    }
    if (spec.type == "virtserialport")
        return make_error(
            "unsupported device 'virtserialport': xvm's virtio-serial-device has a "
            "single console port (use virtconsole)");
    // virtconsole. Like QEMU, it goes on the first virtio-serial bus with room
    // among the devices given before it.
    std::string chardev;
    for (const auto& [k, v] : spec.options) {
        if (k == "chardev") {
            chardev = v;
        } else if (k == "nr") {
            if (v != "0")
                return make_error("-device virtconsole,nr=" + v +
                                  ": only port 0 exists (no MULTIPORT)");
        } else if (k != "id" && k != "name") {  // a name reaches the guest only with MULTIPORT
            return make_error("unknown -device virtconsole option '" + k + "'");
        }
    }
    if (buses_.empty())
        return make_error("-device virtconsole needs a -device virtio-serial-device before it");
    for (SerialBus& b : buses_) {
        if (b.has_port) continue;
        b.has_port = true;
        b.chardev = chardev;
        return {};
    }
    return make_error(
        "-device virtconsole: each virtio-serial-device has one port (no MULTIPORT) "
        "and all are taken; add another -device virtio-serial-device");
}

Result<void> ConsoleOptions::resolve(machine::VirtOptions& vo,
                                     std::vector<std::string>& warnings) const {
    std::map<std::string, std::string> used_by;  // chardev id -> its user
    std::vector<std::string> stdio_users;
    auto use = [&](const std::string& id, const std::string& user,
                   machine::CharDevOption& out) -> Result<void> {
        const auto it = chardevs_.find(id);
        if (it == chardevs_.end())
            return make_error(user + " names chardev '" + id + "', which no -chardev defines");
        if (const auto u = used_by.find(id); u != used_by.end())
            return make_error("chardev '" + id + "' is used by both " + u->second + " and " + user);
        used_by.emplace(id, user);
        out = it->second.opt;
        return {};
    };
    if (serial_.chardev.empty()) {
        vo.serial = serial_.opt;
    } else if (auto r = use(serial_.chardev, "-serial", vo.serial); !r) {
        return r;
    }
    if (vo.serial.kind == Kind::kStdio) stdio_users.push_back("the serial port");
    vo.consoles.clear();
    for (size_t k = 0; k < buses_.size(); ++k) {
        machine::CharDevOption o;  // no virtconsole, or one without chardev=: output dropped
        if (!buses_[k].chardev.empty()) {
            if (auto r = use(buses_[k].chardev, "-device virtconsole", o); !r) return r;
            if (o.kind == Kind::kStdio)
                stdio_users.push_back("virtconsole (chardev " + buses_[k].chardev + ")");
        }
        vo.consoles.push_back(o);
    }
    if (stdio_users.size() > 1)
        return make_error("stdio is used by both " + stdio_users[0] + " and " + stdio_users[1] +
                          "; xvm has no mux: give the serial port -serial none (or file:FILE) "
                          "or the console another chardev");
    for (const auto& [id, c] : chardevs_)
        if (!used_by.count(id))
            warnings.push_back("chardev " + id + " (" + c.kind_name +
                               ") is not attached to any device");
    return {};
}

}  // namespace xvm::app
