"""Every category: offers in English and Russian are recognised, and hard negatives on the
same topic (news, warnings, research, legitimate trade) in both languages are not.

The texts are written here, not taken from the seed corpus, so they test whether the
shipped model generalises beyond the phrases it was trained on.
"""

from __future__ import annotations

import pytest

from bazaarwatch.classify.model import Classifier

POSITIVE = {
    "drugs": ["Selling MDMA crystals 1g 40$, stealth shipping EU, DM",
              "Продаю закладки мефедрон 1 гр — 2500 руб, пишите в лс"],
    "weapons": ["Glock 19 + 2 mags, 9mm FMJ 50 rounds, 1200$ cash only",
                "Продам ствол ПМ с патронами, 45000 руб, без документов"],
    "carding": ["Fresh CVV US high balance 15$ each, dumps+pin 101/201 in stock",
                "Свежие СС с CVV, США и ЕС, валид 90%, 10$ за штуку"],
    "gift-cards": ["Amazon gift cards 50% off, $100 card for $50 BTC, instant delivery",
                   "Подарочные карты Steam за полцены, код сразу после оплаты"],
    "personal-data": ["Fullz with SSN DOB MMN 20$ each, bulk discount",
                      "Пробив по базам: ФИО, паспорт, телефон — 500 руб за запрос"],
    "accounts": ["Netflix premium accounts lifetime 5$, PayPal verified accounts in stock",
                 "Продаю логи с аккаунтами банков и почт, свежие, 30$ пачка"],
    "fake-documents": ["Fake passport and driver's license, scannable, 450$",
                       "Сделаем паспорт любой страны, права, дипломы — недорого"],
    "counterfeit-goods": ["Rolex Submariner super clone 1:1 replica, 350$ shipped",
                          "Фальшивые купюры 5000 руб, качество как у настоящих, опт"],
    "pirated-content": ["Windows 11 Pro license keys 3$, cracked Adobe CC full version",
                        "Крякнутые программы и ключи активации Office, дешево"],
    "hacking": ["DDoS booter 100Gbps, stresser plans from 20$/month, bypass Cloudflare",
                "Криптор FUD для RAT, чистка от антивирусов, 50$"],
    "game-cheats": ["Undetected aimbot and wallhack for Valorant, 15$ a month",
                    "Читы для CS2 без банов, аимбот и ВХ, подписка 500 руб"],
    "fake-engagement": ["10k Instagram followers for 20$, SMM panel with cheap likes",
                        "Накрутка подписчиков и лайков в Телеграм, 1000 за 100 руб"],
    "medical-fraud": ["Covid vaccination certificate without vaccine, valid QR, 150$",
                      "Сертификат о вакцинации без прививки, QR-код, 5000 руб"],
    "money-laundering": ["Cashout service for bank logs, drops in EU, 40% fee",
                         "Обнал и дропы, выведем с карт, 15% комиссия"],
    "scam": ["Double your bitcoin in 24 hours, send 0.1 BTC get 0.2 BTC back guaranteed",
             "Удвою вашу крипту за сутки, гарантированный доход 200% в неделю"],
}

NEGATIVE = {
    "drugs": ["Police arrested two dealers and seized cocaine at the port",
              "Полиция задержала закладчиков в центре города"],
    "weapons": ["The museum opens an exhibition of historical firearms on Sunday",
                "На охоту поедем в субботу, ружьё у отца в сейфе"],
    "carding": ["Never tell anyone your card's CVV, the bank will never ask for it",
                "Банк предупреждает: никому не сообщайте CVV код"],
    "gift-cards": ["Got a Steam gift card for my birthday, buying Elden Ring tonight",
                   "Мне подарили подарочную карту в Золотое яблоко, очень рада"],
    "personal-data": ["How do I change the phone number on my bank account?",
                      "Утечка данных клиентов: компания оштрафована регулятором"],
    "accounts": ["I forgot the password to my Netflix account, how do I reset it?",
                 "Как восстановить доступ к аккаунту в Госуслугах?"],
    "fake-documents": ["My passport expires next month, where do I renew it?",
                       "Получил новый паспорт в МФЦ, всё быстро"],
    "counterfeit-goods": ["How to tell a real Rolex from a fake one, a jeweller explains",
                          "Как отличить фальшивую купюру: советы Центробанка"],
    "pirated-content": ["Microsoft released a new Windows 11 update today",
                        "Купил лицензию Office для работы, всё официально"],
    "hacking": ["Researchers published an analysis of the new ransomware campaign",
                "Эксперты по безопасности рассказали о новой уязвимости в роутерах"],
    "game-cheats": ["That guy was obviously cheating, reported him after the match",
                    "Вчера играли в CS2 до ночи, проиграли на последней карте"],
    "fake-engagement": ["Our channel reached 10k subscribers, thank you all!",
                        "Спасибо всем подписчикам, нас уже тысяча!"],
    "medical-fraud": ["Where can I get a PCR test before my flight?",
                      "Записался на прививку от гриппа в поликлинике"],
    "money-laundering": ["How do I transfer money from my bank card to a friend abroad?",
                         "Курс доллара снова вырос, банки меняют тарифы"],
    "scam": ["Bitcoin price reached a new high this week",
             "Биткоин снова подорожал, рынок растёт"],
}


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier.load()


@pytest.mark.parametrize(("category", "language"),
                         [(c, i) for c in POSITIVE for i in range(2)],
                         ids=[f"{c}-{lang}" for c in POSITIVE for lang in ("en", "ru")])
def test_offers_are_recognised(classifier: Classifier, category: str, language: int) -> None:
    text = POSITIVE[category][language]
    [verdict] = classifier.classify([text])
    assert category in verdict.categories, (text, verdict.categories,
                                            sorted(verdict.scores.items(),
                                                   key=lambda kv: -kv[1])[:3])


@pytest.mark.parametrize(("category", "language"),
                         [(c, i) for c in NEGATIVE for i in range(2)],
                         ids=[f"{c}-{lang}" for c in NEGATIVE for lang in ("en", "ru")])
def test_hard_negatives_are_not_flagged(classifier: Classifier, category: str,
                                        language: int) -> None:
    text = NEGATIVE[category][language]
    [verdict] = classifier.classify([text])
    assert verdict.categories == [], (text, verdict.categories)
