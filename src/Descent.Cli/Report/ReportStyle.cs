namespace Descent.Cli.Report;

/// <summary>The page's inline stylesheet: the report must read the same opened from disk with no network.</summary>
internal static class ReportStyle
{
    public const string Css = """
        :root { --ink: #1d2733; --muted: #5b6b7c; --line: #dfe5ec; --accent: #c2410c; --card: #ffffff; --page: #f4f6f9; --code: #eef2f6; }
        * { box-sizing: border-box; }
        body { margin: 0; background: var(--page); color: var(--ink); font: 16px/1.6 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", Roboto, "Helvetica Neue", Arial, sans-serif; }
        header.hero { background: linear-gradient(135deg, #1e3a5f, #0f766e); color: #fff; padding: 48px 24px 36px; }
        header.hero > div, main, footer { max-width: 980px; margin: 0 auto; }
        header.hero h1 { margin: 0 0 8px; font-size: 2.3rem; letter-spacing: -0.02em; }
        header.hero p { margin: 6px 0; max-width: 760px; color: #dbeafe; }
        header.hero code { background: rgba(255, 255, 255, 0.15); color: #fff; }
        nav.toc { max-width: 980px; margin: -18px auto 0; background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 12px 20px; box-shadow: 0 2px 8px rgba(15, 23, 42, 0.06); }
        nav.toc ol { margin: 0; padding-left: 22px; columns: 2; column-gap: 32px; }
        nav.toc a { color: #0f766e; text-decoration: none; }
        nav.toc a:hover { text-decoration: underline; }
        main { padding: 8px 24px 24px; }
        h2.part { margin: 40px 0 8px; font-size: 1.1rem; text-transform: uppercase; letter-spacing: 0.08em; color: var(--accent); }
        section { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 20px 28px 24px; margin: 18px 0; box-shadow: 0 1px 4px rgba(15, 23, 42, 0.05); }
        section h3 { margin: 0 0 8px; font-size: 1.45rem; }
        section h3 .step { display: inline-block; min-width: 1.9em; height: 1.9em; line-height: 1.9em; border-radius: 50%; background: #0f766e; color: #fff; text-align: center; font-size: 0.9rem; margin-right: 10px; vertical-align: 3px; }
        p { margin: 8px 0; }
        code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.92em; background: var(--code); padding: 1px 5px; border-radius: 4px; }
        dl.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(210px, 1fr)); gap: 10px; margin: 14px 0; }
        dl.facts div { background: #f8fafc; border: 1px solid var(--line); border-left: 4px solid #0f766e; border-radius: 6px; padding: 8px 12px; }
        dl.facts dt { font-size: 0.8rem; color: var(--muted); text-transform: uppercase; letter-spacing: 0.04em; }
        dl.facts dd { margin: 2px 0 0; font-size: 1.05rem; font-weight: 600; font-variant-numeric: tabular-nums; }
        table { border-collapse: collapse; margin: 12px 0; font-size: 0.95rem; font-variant-numeric: tabular-nums; }
        th, td { padding: 5px 12px; border-bottom: 1px solid var(--line); text-align: right; }
        th { background: #f1f5f9; color: var(--muted); font-weight: 600; }
        th:first-child, td:first-child, th.text, td.text { text-align: left; }
        figure { margin: 16px 0 8px; }
        figure img { display: block; max-width: 100%; height: auto; margin: 0 auto; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
        figcaption { color: var(--muted); font-size: 0.9rem; margin-top: 6px; text-align: center; }
        figcaption a { color: #0f766e; }
        .note { background: #fff7ed; border: 1px solid #fed7aa; border-radius: 8px; padding: 12px 16px; }
        footer { color: var(--muted); font-size: 0.85rem; padding: 8px 24px 40px; }
        @media (max-width: 760px) { nav.toc ol { columns: 1; } }
        """;
}
