import Testing
@testable import MindSpaceRender

/// Legend labels shortened to fit: a middle ellipsis, and different labels never drawn alike.
@Suite struct RenderLegendTests {
    static let limit = Legend.maximumLabelCharacters

    /// 19 methods of one class: cut at the end, as before, they all read
    /// `asyncio.AbstractEventLoop.c…`; with the start and the end kept, each is its own.
    @Test func labelsSharingALongPrefixStayDistinct() {
        let methods = ["call_at", "call_exception_handler", "call_later", "call_soon", "call_soon_threadsafe",
                       "close", "connect_accepted_socket", "connect_read_pipe", "connect_write_pipe",
                       "create_connection", "create_datagram_endpoint", "create_future", "create_server",
                       "create_task", "create_unix_connection", "create_unix_server",
                       "current_exception_handler", "remove_reader", "remove_writer"]
        let labels = methods.map { "asyncio.AbstractEventLoop.\($0)" }
        let shown = Legend.displayLabels(labels, maximumCharacters: Self.limit)
        #expect(Set(shown).count == labels.count, "\(shown)")
        for (label, text) in zip(labels, shown) {
            #expect(text.unicodeScalars.count <= Self.limit, "\(text)")
            let parts = text.components(separatedBy: "\u{2026}")
            #expect(parts.count == 2 && label.hasPrefix(parts[0]) && label.hasSuffix(parts[1]), "\(text)")
            #expect(parts[0] == "asyncio." && parts[1].count == 19, "both ends are kept: \(text)")
        }
    }

    /// Names that differ only in the middle (`layers.10` and `layers.11`) get another split of
    /// the same length, the same for every label.
    @Test func labelsDifferingInTheMiddleMoveTheSplit() {
        let labels = (8...13).map { "model.decoder.layers.\($0).self_attention.q_proj.weight" }
        let shown = Legend.displayLabels(labels, maximumCharacters: Self.limit)
        #expect(Set(shown).count == labels.count, "\(shown)")
        #expect(shown.allSatisfy { $0.unicodeScalars.count == Self.limit }, "\(shown)")
        #expect(Set(shown.map { $0.components(separatedBy: "\u{2026}")[1] }).count == 1, "one cut: \(shown)")
    }

    /// Two places of difference that no one window of the limit covers: the labels grow until
    /// both places show, and each label then says both of its own.
    @Test func labelsNoSplitSeparatesGrowUntilTheyDiffer() {
        let prefix = String(repeating: "p", count: 15), middle = String(repeating: "m", count: 20)
        let suffix = String(repeating: "s", count: 15)
        let pairs = [("0", "0"), ("0", "1"), ("1", "0"), ("1", "1")]
        let labels = pairs.map { prefix + $0.0 + middle + $0.1 + suffix }
        let shown = Legend.displayLabels(labels + ["short"], maximumCharacters: Self.limit)
        #expect(Set(shown).count == 5, "\(shown)")
        #expect(shown.last == "short")
        for (text, pair) in zip(shown, pairs) {
            #expect(text.unicodeScalars.count > Self.limit && text.unicodeScalars.count < labels[0].count, "\(text)")
            let parts = text.components(separatedBy: "\u{2026}")
            #expect(parts[0].hasSuffix(pair.0) && parts[1].hasPrefix("m") && parts[1].contains(pair.1 + "s"), "\(text)")
        }
    }

    /// Labels that fit are left alone; equal labels stay equal; a shortened label never reads
    /// like another label drawn in full.
    @Test func shortAndEqualLabelsAreKept() {
        #expect(Legend.displayLabels(["humans", "AIs", "humans"], maximumCharacters: Self.limit) == ["humans", "AIs", "humans"])
        let long = String(repeating: "a", count: 40)
        let shown = Legend.displayLabels([long, long + "b"], maximumCharacters: Self.limit)
        #expect(shown[0] != shown[1] && shown.allSatisfy { $0.unicodeScalars.count <= Self.limit }, "\(shown)")
        let lookalike = "aaaaa\u{2026}bbbbb"
        let fitted = Legend.displayLabels([lookalike, "aaaaaXXXXXXXbbbbb"], maximumCharacters: 11)
        #expect(fitted[0] == lookalike && fitted[1] != lookalike, "\(fitted)")
    }

    /// The legend draws (and measures) the distinct labels.
    @Test func legendUsesTheDistinctLabels() {
        let entries = ["alpha", "beta"].map {
            LegendEntry(label: "a.very.long.module.path.that.repeats.\($0)", color: .white)
        }
        let labels = Legend(entries: entries).drawnLabels()
        #expect(labels.count == 2 && labels[0] != labels[1])
        #expect(labels.allSatisfy { $0.hasPrefix("a.very") })
    }
}
