"""Writes the Ukrainian and Russian translations below into locale/{uk,ru}/LC_MESSAGES/django.po
after `manage.py makemessages` (the `make messages` target runs both, then compiles). Kept in
one place so a new string is translated in both languages side by side; a string missing here
stays untranslated (English) until someone adds it."""

import re
import sys
from pathlib import Path

LOCALE = Path(__file__).resolve().parent

T = {
    "Language": ("Мова", "Язык"),
    "Switch": ("Змінити", "Сменить"),
    "%(left)s left": ("залишилось %(left)s", "осталось %(left)s"),
    "lease expired": ("оренду втрачено", "аренда истекла"),
    'Lease lost: your lease on <a href="%(item_url)s">item #%(pk)s</a> ran out at %(at)s '
    "and the item went back to the queue. Anything you had not saved was not applied; take it "
    "again to go on.": (
        'Оренду втрачено: ваша оренда <a href="%(item_url)s">елемента #%(pk)s</a> скінчилася '
        "о %(at)s, і елемент повернувся до черги. Незбережене не застосовано; візьміть його "
        "знову, щоб продовжити.",
        'Аренда утрачена: ваша аренда <a href="%(item_url)s">элемента #%(pk)s</a> истекла '
        "в %(at)s, и элемент вернулся в очередь. Несохранённое не применено; возьмите его "
        "снова, чтобы продолжить.",
    ),
    "Review queue": ("Черга перевірки", "Очередь проверки"),
    "Skip to content": ("Перейти до змісту", "Перейти к содержанию"),
    "Claimtracker · Review": ("Claimtracker · Перевірка", "Claimtracker · Проверка"),
    "Account": ("Обліковий запис", "Учётная запись"),
    "Signed in as <strong>%(name)s</strong>": (
        "Ви увійшли як <strong>%(name)s</strong>",
        "Вы вошли как <strong>%(name)s</strong>",
    ),
    "Log out": ("Вийти", "Выйти"),
    "Log in": ("Увійти", "Войти"),
    "Log in to the review queue": ("Вхід до черги перевірки", "Вход в очередь проверки"),
    "Reviewers only": ("Лише для рецензентів", "Только для рецензентов"),
    "The review queue is for reviewers": (
        "Черга перевірки — для рецензентів",
        "Очередь проверки — для рецензентов",
    ),
    "You are signed in as <strong>%(name)s</strong>, who is not in the <strong>Reviewers</strong> "
    "group. The queue shows claims and follow-ups waiting for a verdict, and only reviewers may "
    "take and resolve them.": (
        "Ви увійшли як <strong>%(name)s</strong>, що не входить до групи "
        "<strong>Reviewers</strong>. Черга показує твердження й подальші кроки, які чекають "
        "на висновок, і брати та вирішувати їх можуть лише рецензенти.",
        "Вы вошли как <strong>%(name)s</strong>, не входящий в группу "
        "<strong>Reviewers</strong>. Очередь показывает утверждения и последующие шаги, "
        "ожидающие вердикта, и брать и решать их могут только рецензенты.",
    ),
    "Ask an administrator to add you, for example with <code>manage.py add_member %(name)s "
    "--role reviewer</code>.": (
        "Попросіть адміністратора додати вас, наприклад так: <code>manage.py add_member "
        "%(name)s --role reviewer</code>.",
        "Попросите администратора добавить вас, например так: <code>manage.py add_member "
        "%(name)s --role reviewer</code>.",
    ),
    "Go to the editors' admin": ("До адмінки редакторів", "В админку редакторов"),
    "Sign in as someone else": ("Увійти як інший користувач", "Войти как другой пользователь"),
    "Take next": ("Взяти наступний", "Взять следующий"),
    "Press <kbd>N</kbd> anywhere outside a text field. You hold an item for %(lease_minutes)s "
    "minutes; renew it to keep it.": (
        "Натисніть <kbd>N</kbd> будь-де поза текстовим полем. Елемент ваш на %(lease_minutes)s "
        "хв; подовжте оренду, щоб зберегти його.",
        "Нажмите <kbd>N</kbd> где угодно вне текстового поля. Элемент ваш на %(lease_minutes)s "
        "мин; продлите аренду, чтобы сохранить его.",
    ),
    "Items by reason": ("Елементи за причиною", "Элементы по причине"),
    "Reason": ("Причина", "Причина"),
    "Waiting": ("Чекають", "Ждут"),
    "Being reviewed": ("На перевірці", "На проверке"),
    "My items": ("Мої елементи", "Мои элементы"),
    "You hold no items.": ("У вас немає елементів.", "У вас нет элементов."),
    "Next in the queue": ("Далі в черзі", "Далее в очереди"),
    "Item": ("Елемент", "Элемент"),
    "Priority": ("Пріоритет", "Приоритет"),
    "Subject": ("Предмет", "Предмет"),
    "Deadline": ("Термін", "Срок"),
    "Waiting since": ("Чекає з", "Ждёт с"),
    "Action": ("Дія", "Действие"),
    "reserved for you": ("зарезервовано для вас", "зарезервировано для вас"),
    "%(since)s ago": ("%(since)s тому", "%(since)s назад"),
    "Take item #%(pk)s": ("Взяти елемент #%(pk)s", "Взять элемент #%(pk)s"),
    "Take": ("Взяти", "Взять"),
    "Nothing is waiting.": ("Нічого не чекає.", "Ничего не ждёт."),
    "The story at a glance": ("Історія з першого погляду", "История с первого взгляда"),
    "Topic": ("Тема", "Тема"),
    "All topics": ("Усі теми", "Все темы"),
    "Show": ("Показати", "Показать"),
    "Follow-up deadlines": ("Терміни подальших кроків", "Сроки последующих шагов"),
    "Claims by assessment": ("Твердження за оцінкою", "Утверждения по оценке"),
    # The item page (tracker/item.html).
    "Item #%(pk)s": ("Елемент #%(pk)s", "Элемент #%(pk)s"),
    "← Back to the queue": ("← Назад до черги", "← Назад к очереди"),
    "Take this item": ("Взяти цей елемент", "Взять этот элемент"),
    "Renew lease": ("Подовжити оренду", "Продлить аренду"),
    "Reason for releasing": ("Причина повернення", "Причина возврата"),
    "Reason (optional)": ("Причина (необов’язково)", "Причина (необязательно)"),
    "Release to the queue": ("Повернути до черги", "Вернуть в очередь"),
    "Claimant": ("Автор твердження", "Автор утверждения"),
    "Claimed on": ("Дата твердження", "Дата утверждения"),
    "Quantity": ("Кількість", "Количество"),
    "State": ("Стан", "Состояние"),
    "Assessment": ("Оцінка", "Оценка"),
    "Assessment note": ("Пояснення оцінки", "Пояснение оценки"),
    "Version": ("Версія", "Версия"),
    "Sources and evidence": ("Джерела й докази", "Источники и доказательства"),
    "Source": ("Джерело", "Источник"),
    "Stance": ("Позиція", "Позиция"),
    "Grade": ("Оцінка джерела", "Оценка источника"),
    "Excerpt": ("Уривок", "Отрывок"),
    "No evidence yet.": ("Доказів поки немає.", "Доказательств пока нет."),
    "Related and contradicting claims": (
        "Пов’язані й суперечливі твердження",
        "Связанные и противоречащие утверждения",
    ),
    "None recorded.": ("Нічого не записано.", "Ничего не записано."),
    "Scenarios and follow-ups": ("Сценарії й подальші кроки", "Сценарии и последующие шаги"),
    "Scenarios": ("Сценарії", "Сценарии"),
    "Follow-ups": ("Подальші кроки", "Последующие шаги"),
    "None linked.": ("Нічого не пов’язано.", "Ничего не связано."),
    "Met on": ("Виконано", "Выполнено"),
    "Promise": ("Обіцянка", "Обещание"),
    "History": ("Історія", "История"),
    "Claim": ("Твердження", "Утверждение"),
    "When": ("Коли", "Когда"),
    "Who": ("Хто", "Кто"),
    "Why": ("Чому", "Почему"),
    "This item": ("Цей елемент", "Этот элемент"),
    "Resolve": ("Вирішити", "Решить"),
    "Add evidence": ("Додати доказ", "Добавить доказательство"),
    "Follow-up": ("Подальший крок", "Последующий шаг"),
    "Resolve item": ("Вирішити елемент", "Решить элемент"),
    "Dismiss": ("Відхилити", "Отклонить"),
    "Dismiss item": ("Відхилити елемент", "Отклонить элемент"),
}

ENTRY = re.compile(r'((?:#.*\n)*)(msgid (?:"(?:[^"\\]|\\.)*"\n)+)(msgstr (?:"(?:[^"\\]|\\.)*"\n)+)')


def _text(block: str) -> str:
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', block)
    return "".join(parts).replace('\\"', '"').replace("\\n", "\n")


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def fill(language: str, index: int) -> int:
    path = LOCALE / language / "LC_MESSAGES" / "django.po"
    done = 0

    def replace(match):
        nonlocal done
        comments, msgid_block = match.group(1), match.group(2)
        msgid = _text(msgid_block[len("msgid ") :])
        if msgid in T:
            done += 1
            # makemessages marks a new string "fuzzy" when it resembles an old one; the
            # translation written here is the real one, so the guess and its flag go.
            kept = [
                line.replace(", fuzzy", "") if line.startswith("#,") else line
                for line in comments.splitlines()
                if not line.startswith("#|") and line.strip() != "#, fuzzy"
            ]
            head = "".join(f"{line}\n" for line in kept)
            return f"{head}{msgid_block}msgstr {_quoted(T[msgid][index])}\n"
        return match.group(0)

    text = ENTRY.sub(replace, path.read_text())
    text = text.replace('"Language: \\n"', f'"Language: {language}\\n"')
    path.write_text(text)
    return done


if __name__ == "__main__":
    for i, lang in enumerate(("uk", "ru")):
        print(f"{lang}: {fill(lang, i)} of {len(T)} strings translated", file=sys.stderr)
