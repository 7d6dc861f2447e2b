"""Official documents kernel: HTML → PDF with WeasyPrint and local Noto fonts, Gregorian and Hijri
dates, amounts in figures and words (French, Arabic). Modules call `documents.facade` only."""
