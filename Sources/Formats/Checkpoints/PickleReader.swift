/// A restricted unpickler: it understands exactly what a PyTorch state dict needs and nothing else.
///
/// It is an interpreter over inert `PickleValue`s. GLOBAL / STACK_GLOBAL only produce a name, and that
/// name must be on the allow-list (OrderedDict, the tensor/parameter rebuild functions, storage types);
/// REDUCE / NEWOBJ / BUILD are interpreted for those names only. Any other name is refused with an error
/// that names it and its byte offset. Nothing from the file is ever executed. Sizes and depths are bounded
/// and every read is checked, so a damaged or hostile file gives an error, never a crash or a hang.
public struct PickleReader {
    /// Resolves a persistent id (the tuple torch writes for each storage) to a storage reference.
    public typealias PersistentLoader = (PickleValue) throws -> PickleValue

    let bytes: UnsafeRawBufferPointer
    let file: String
    var position: Int
    let persistentLoad: PersistentLoader?

    /// Limits far above any real checkpoint (a state dict nests a few levels and holds thousands of entries),
    /// checked while the value is built: the stack and memo sizes, the items of one container, and the nesting
    /// depth of containers (tuples, lists, dicts, calls), so a hostile file of 40,000 nested tuples is refused
    /// at the opcode that goes past the limit instead of overflowing the stack.
    public static let maxDepth = 1_000
    public static let maxStack = 10_000_000
    public static let maxMemo = 10_000_000
    public static let maxItems = 10_000_000
    static let allowedGlobals: Set<String> = [
        "collections.OrderedDict",
        "torch._utils._rebuild_tensor_v2",
        "torch._utils._rebuild_parameter",
        "torch._utils._rebuild_parameter_with_state",
        "torch.FloatStorage", "torch.DoubleStorage", "torch.HalfStorage", "torch.BFloat16Storage",
        "torch.LongStorage", "torch.IntStorage", "torch.ShortStorage", "torch.CharStorage", "torch.ByteStorage",
        "torch.BoolStorage",
    ]

    public init(bytes: UnsafeRawBufferPointer, file: String, start: Int = 0, persistentLoad: PersistentLoader? = nil) {
        self.bytes = bytes
        self.file = file
        self.position = start
        self.persistentLoad = persistentLoad
    }

    /// Where the last `load()` stopped (just past STOP): the next pickle of a legacy file starts here.
    public var offset: Int { position }

    private func error(_ detail: String, at offset: Int? = nil) -> CheckpointError {
        .malformed(file: file, detail: "pickle at byte \(offset ?? position): \(detail)")
    }

    private mutating func byte() throws -> UInt8 {
        guard position < bytes.count else { throw error("truncated: the pickle ends before its STOP opcode") }
        defer { position += 1 }
        return bytes[position]
    }

    private mutating func read(_ count: Int) throws -> UnsafeRawBufferPointer {
        guard count >= 0, count <= bytes.count - position else {
            throw error("truncated: \(count) bytes needed, \(bytes.count - position) left")
        }
        defer { position += count }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<position + count])
    }

    private mutating func uint(_ count: Int) throws -> Int {
        let raw = try read(count)
        var value: UInt64 = 0
        for i in (0..<count).reversed() { value = value << 8 | UInt64(raw[i]) }
        guard value <= UInt64(Int.max) else { throw error("length \(value) is out of range") }
        return Int(value)
    }

    private mutating func line() throws -> String {
        var end = position
        while end < bytes.count && bytes[end] != 0x0A { end += 1 }
        guard end < bytes.count else { throw error("truncated: unterminated text line") }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[position..<end]), as: UTF8.self)
        position = end + 1
        return text
    }

    /// Runs the pickle up to STOP and returns its value.
    ///
    /// Every container is built with its nesting depth known (a leaf is 0, a container one more than its deepest
    /// item), and a depth past `maxDepth` is refused while building: nothing that walks or frees the value
    /// afterwards (descriptions, the state-dict walk, the recursive deinit of the indirect enum) can overflow
    /// the stack. A list or dict can only grow while it is not yet an item of another container, and never
    /// into itself: the value is always a finite tree (shared items allowed), so it has no cycle to leak or loop.
    public mutating func load() throws -> PickleValue {
        var stack: [Slot] = []
        var marks: [Int] = []
        var memo: [Int: Slot] = [:]

        func pop() throws -> Slot {
            guard let v = stack.popLast() else { throw error("stack underflow") }
            return v
        }
        func popMark() throws -> [Slot] {
            guard let m = marks.popLast(), m <= stack.count else { throw error("MARK expected") }
            let items = Array(stack[m...])
            stack.removeSubrange(m...)
            return items
        }
        func push(_ v: PickleValue) throws { try push(Slot(v)) }
        func push(_ slot: Slot) throws {
            guard stack.count < Self.maxStack else { throw error("stack deeper than \(Self.maxStack)") }
            stack.append(slot)
        }
        func store(_ key: Int, at offset: Int) throws {
            guard let top = stack.last else { throw error("PUT on an empty stack", at: offset) }
            guard memo.count < Self.maxMemo || memo[key] != nil else {
                throw error("more than \(Self.maxMemo) memo entries", at: offset)
            }
            memo[key] = top
        }
        /// The depth of a container holding `items`, checked against the limit; seals the items.
        func depth(holding items: [Slot], at offset: Int, atLeast current: Int = 1) throws -> Int {
            var deepest = current - 1
            for item in items { deepest = max(deepest, item.depth) }
            guard deepest < Self.maxDepth else {
                throw error("containers nested \(deepest + 1) deep; the limit is \(Self.maxDepth) (a state dict nests a few levels)", at: offset)
            }
            for item in items { item.seal() }
            return deepest + 1
        }
        /// The list or dict on top of the stack, about to receive `items`.
        func growable(_ items: [Slot], _ opcode: String, at offset: Int) throws -> Slot {
            guard let target = stack.last else { throw error("\(opcode) on an empty stack", at: offset) }
            let (sealed, count): (Bool, Int)
            switch target.value {
            case .list(let l):
                (sealed, count) = (l.sealed, l.items.count)
                guard !items.contains(where: { if case .list(let x) = $0.value { return x === l }; return false }) else {
                    throw error("\(opcode) puts a list into itself (a cyclic object is not a state dict)", at: offset)
                }
            case .dict(let d):
                (sealed, count) = (d.sealed, d.pairs.count)
                guard !items.contains(where: { if case .dict(let x) = $0.value { return x === d }; return false }) else {
                    throw error("\(opcode) puts a dict into itself (a cyclic object is not a state dict)", at: offset)
                }
            default:
                throw error("\(opcode) on \(target.value), which is not a \(opcode.hasPrefix("APPEND") ? "list" : "dict")", at: offset)
            }
            guard !sealed else {
                throw error("\(opcode) changes a container that is already an item of another one (a cyclic or self-modifying object is not a state dict)", at: offset)
            }
            guard count + items.count <= Self.maxItems else {
                throw error("a container with more than \(Self.maxItems) items", at: offset)
            }
            return target
        }
        func pairs(_ items: [Slot], _ opcode: String, at offset: Int) throws -> [(PickleValue, PickleValue)] {
            guard items.count % 2 == 0 else { throw error("\(opcode) with an odd number of items", at: offset) }
            return stride(from: 0, to: items.count, by: 2).map { (items[$0].value, items[$0 + 1].value) }
        }

        while true {
            let opStart = position
            let op = try byte()
            switch op {
            case 0x80: _ = try byte()                                   // PROTO
            case 0x95: _ = try read(8)                                  // FRAME
            case 0x2E:                                                  // STOP
                return try pop().value
            case 0x28:                                                  // MARK
                guard marks.count < Self.maxStack else { throw error("more than \(Self.maxStack) open MARKs", at: opStart) }
                marks.append(stack.count)
            case 0x7D: try push(.dict(PickleDict()))                    // EMPTY_DICT
            case 0x5D: try push(.list(PickleList()))                    // EMPTY_LIST
            case 0x29: try push(Slot(.tuple([]), depth: 1))             // EMPTY_TUPLE
            case 0x4E: try push(.none)                                  // NONE
            case 0x88: try push(.bool(true))                            // NEWTRUE
            case 0x89: try push(.bool(false))                           // NEWFALSE
            case 0x4A:                                                  // BININT
                let raw = try read(4)
                try push(.int(Int(Int32(bitPattern: UInt32(raw[0]) | UInt32(raw[1]) << 8 | UInt32(raw[2]) << 16 | UInt32(raw[3]) << 24))))
            case 0x4B: try push(.int(Int(try byte())))                  // BININT1
            case 0x4D: try push(.int(try uint(2)))                      // BININT2
            case 0x8A, 0x8B:                                            // LONG1, LONG4
                let n = op == 0x8A ? Int(try byte()) : try uint(4)
                let raw = Array(try read(n))
                if n <= 8 {
                    var v: UInt64 = 0
                    for i in (0..<n).reversed() { v = v << 8 | UInt64(raw[i]) }
                    if n > 0 && n < 8 && raw[n - 1] & 0x80 != 0 { v |= ~UInt64(0) << (8 * UInt64(n)) }
                    try push(.int(Int(Int64(bitPattern: v))))
                } else {
                    try push(.bigInt(raw))
                }
            case 0x47:                                                  // BINFLOAT (big-endian)
                let raw = try read(8)
                var v: UInt64 = 0
                for b in raw { v = v << 8 | UInt64(b) }
                try push(.float(Double(bitPattern: v)))
            case 0x8C, 0x58, 0x8D:                                      // SHORT_BINUNICODE, BINUNICODE, BINUNICODE8
                let n = op == 0x8C ? Int(try byte()) : try uint(op == 0x58 ? 4 : 8)
                try push(.string(String(decoding: try read(n), as: UTF8.self)))
            case 0x43, 0x42, 0x8E, 0x55, 0x54:                          // SHORT_BINBYTES, BINBYTES, BINBYTES8, SHORT_BINSTRING, BINSTRING
                let n = (op == 0x43 || op == 0x55) ? Int(try byte()) : try uint(op == 0x8E ? 8 : 4)
                let raw = try read(n)
                try push(op == 0x55 || op == 0x54 ? .string(String(decoding: raw, as: UTF8.self)) : .bytes(Array(raw)))
            case 0x85, 0x86, 0x87, 0x74:                                // TUPLE1, TUPLE2, TUPLE3, TUPLE
                var items: [Slot]
                if op == 0x74 { items = try popMark() } else {
                    items = []
                    for _ in 0..<Int(op - 0x84) { items.append(try pop()) }
                    items.reverse()
                }
                guard items.count <= Self.maxItems else { throw error("a tuple with more than \(Self.maxItems) items", at: opStart) }
                let d = try depth(holding: items, at: opStart)
                try push(Slot(.tuple(items.map(\.value)), depth: d))
            case 0x6C:                                                  // LIST
                let items = try popMark()
                guard items.count <= Self.maxItems else { throw error("a list with more than \(Self.maxItems) items", at: opStart) }
                let list = PickleList()
                list.depth = try depth(holding: items, at: opStart)
                list.items = items.map(\.value)
                try push(.list(list))
            case 0x64:                                                  // DICT
                let items = try popMark()
                guard items.count <= 2 * Self.maxItems else { throw error("a dict with more than \(Self.maxItems) items", at: opStart) }
                let dict = PickleDict()
                dict.append(try pairs(items, "DICT", at: opStart))
                dict.depth = try depth(holding: items, at: opStart)
                try push(.dict(dict))
            case 0x61, 0x65:                                            // APPEND, APPENDS
                let items = op == 0x61 ? [try pop()] : try popMark()
                let target = try growable(items, op == 0x61 ? "APPEND" : "APPENDS", at: opStart)
                guard case .list(let list) = target.value else { throw error("APPEND to a non-list", at: opStart) }
                list.depth = try depth(holding: items, at: opStart, atLeast: list.depth)
                list.items += items.map(\.value)
            case 0x73, 0x75:                                            // SETITEM, SETITEMS
                let name = op == 0x73 ? "SETITEM" : "SETITEMS"
                let items: [Slot]
                if op == 0x73 { let v = try pop(), k = try pop(); items = [k, v] } else { items = try popMark() }
                let newPairs = try pairs(items, name, at: opStart)
                let target = try growable(items, name, at: opStart)
                guard case .dict(let dict) = target.value else { throw error("\(name) on a non-dict", at: opStart) }
                dict.depth = try depth(holding: items, at: opStart, atLeast: dict.depth)
                dict.append(newPairs)
            case 0x71: try store(Int(try byte()), at: opStart)          // BINPUT
            case 0x72: try store(try uint(4), at: opStart)              // LONG_BINPUT
            case 0x94: try store(memo.count, at: opStart)               // MEMOIZE
            case 0x68, 0x6A:                                            // BINGET, LONG_BINGET
                let key = op == 0x68 ? Int(try byte()) : try uint(4)
                guard let v = memo[key] else { throw error("memo key \(key) was never stored", at: opStart) }
                try push(v)
            case 0x63:                                                  // GLOBAL "module\nname\n"
                let module = try line(), name = try line()
                try push(try global(module, name, at: opStart))
            case 0x93:                                                  // STACK_GLOBAL
                guard case .string(let name) = try pop().value, case .string(let module) = try pop().value else {
                    throw error("STACK_GLOBAL needs two strings", at: opStart)
                }
                try push(try global(module, name, at: opStart))
            case 0x52, 0x81:                                            // REDUCE, NEWOBJ
                let args = try pop(), callable = try pop()
                let d = try depth(holding: [args], at: opStart)
                try push(Slot(try call(callable.value, args.value, at: opStart), depth: d))
            case 0x62:                                                  // BUILD: state on a dict or tensor is inert metadata
                let state = try pop()
                guard let target = stack.last else { throw error("BUILD on an empty stack", at: opStart) }
                switch target.value {
                case .dict, .tensor: _ = state
                default: throw error("BUILD on \(target.value) is not part of a state dict", at: opStart)
                }
            case 0x51:                                                  // BINPERSID
                let pid = try pop()
                guard let persistentLoad else { throw error("a persistent id outside a PyTorch checkpoint", at: opStart) }
                try push(Slot(try persistentLoad(pid.value), depth: pid.depth))
            case 0x30: _ = try pop()                                    // POP
            case 0x31: _ = try popMark()                                // POP_MARK
            case 0x32: guard let top = stack.last else { throw error("DUP on an empty stack") }; try push(top)
            default:
                throw error(String(format: "opcode 0x%02X is not allowed in a state dict (code objects, extensions and text protocols are refused)", op), at: opStart)
            }
        }
    }

    /// A value on the unpickler's stack or in its memo, with its nesting depth (lists and dicts keep theirs,
    /// which grows while they are filled).
    private struct Slot {
        var value: PickleValue
        private var fixedDepth: Int

        init(_ value: PickleValue, depth: Int = 0) { self.value = value; fixedDepth = depth }

        var depth: Int {
            switch value {
            case .list(let l): return l.depth
            case .dict(let d): return d.depth
            default: return fixedDepth
            }
        }

        /// Marks a list or dict as an item of another container: from now on it cannot change.
        func seal() {
            switch value {
            case .list(let l): l.sealed = true
            case .dict(let d): d.sealed = true
            default: break
            }
        }
    }

    private func global(_ module: String, _ name: String, at offset: Int) throws -> PickleValue {
        let full = "\(module).\(name)"
        guard Self.allowedGlobals.contains(full) else {
            throw CheckpointError.forbiddenGlobal(file: file, offset: offset, name: full)
        }
        return .global(module: module, name: name)
    }

    /// Interprets the allowed callables on inert arguments.
    private func call(_ callable: PickleValue, _ args: PickleValue, at offset: Int) throws -> PickleValue {
        guard case .global(let module, let name) = callable else {
            throw error("call of \(callable), which is not an allowed function", at: offset)
        }
        guard case .tuple(let a) = args else { throw error("arguments of \(module).\(name) are not a tuple", at: offset) }
        switch "\(module).\(name)" {
        case "collections.OrderedDict":
            return .dict(PickleDict())
        case "torch._utils._rebuild_tensor_v2":
            guard a.count >= 4, case .storage(let storage) = a[0], case .int(let storageOffset) = a[1],
                  case .tuple(let size) = a[2], case .tuple(let stride) = a[3] else {
                throw error("_rebuild_tensor_v2 with unexpected arguments \(args)", at: offset)
            }
            let shape = try size.map { v -> Int in guard case .int(let i) = v, i >= 0 else { throw error("bad tensor size \(args)", at: offset) }; return i }
            let strides = try stride.map { v -> Int in guard case .int(let i) = v, i >= 0 else { throw error("bad tensor stride \(args)", at: offset) }; return i }
            guard shape.count == strides.count, storageOffset >= 0 else { throw error("tensor size and stride disagree \(args)", at: offset) }
            return .tensor(TensorReference(storage: storage, storageOffset: storageOffset, shape: shape, strides: strides))
        case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state":
            guard let data = a.first, case .tensor = data else { throw error("_rebuild_parameter without a tensor", at: offset) }
            return data
        default:
            throw CheckpointError.forbiddenGlobal(file: file, offset: offset, name: "\(module).\(name) (called)")
        }
    }
}
